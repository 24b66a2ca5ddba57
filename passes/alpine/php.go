package alpine

import (
	"path"
)

// phpizeCmds are the programs that build PHP extensions with the tools of
// the php images' $PHPIZE_DEPS (pecl and phpize run autoconf, make and
// gcc), and the commands those packages ship.
var phpizeCmds = map[string]bool{"pecl": true, "phpize": true, "autoconf": true, "autoheader": true, "autoreconf": true,
	"gcc": true, "cc": true, "g++": true, "c++": true, "cpp": true, "make": true, "pkg-config": true, "re2c": true, "file": true,
	"dpkg-architecture": true, "dpkg-buildflags": true}

// phpizeDepsAlpine is $PHPIZE_DEPS in php's Alpine images
// (docker-library/php, alpine3.2x Dockerfiles): a stage that installs
// $PHPIZE_DEPS on Debian's php image installs these on Alpine's.
var phpizeDepsAlpine = []string{"autoconf", "dpkg-dev", "dpkg", "file", "g++", "gcc", "libc-dev", "make", "pkgconf", "re2c"}

// phpizeDeps adds $PHPIZE_DEPS to a stage on the php image that builds
// with its tools. php's Debian images install the packages of $PHPIZE_DEPS
// (autoconf, dpkg-dev, file, g++, gcc, libc-dev, make, pkg-config, re2c)
// and keep them; its Alpine images define $PHPIZE_DEPS with Alpine's names
// and do not install them (docker-library/php, the Debian and Alpine
// Dockerfiles). docker-php-ext-configure and docker-php-ext-install
// install them for their own run; pecl, phpize and the tools themselves
// do not.
func (s *alpineStage) phpizeDeps() {
	for _, u := range s.commandUses() {
		if name := path.Base(u.Word); phpizeCmds[name] && !s.allPresent(phpizeDepsAlpine, u.Off) {
			s.need("$PHPIZE_DEPS", u.Off, codeFullImage, "%v runs %s: php's Debian images keep the build tools of $PHPIZE_DEPS (autoconf, gcc, make, pkg-config, re2c …) installed, its Alpine images only name them in $PHPIZE_DEPS; docker-php-ext-install installs them for its own run, %s does not", useKind(u), name, name)
			return
		}
	}
}

// allPresent reports whether every package of names is installed at off.
func (s *alpineStage) allPresent(names []string, off int) bool {
	for _, n := range names {
		if !s.present(n, off) {
			return false
		}
	}
	return true
}
