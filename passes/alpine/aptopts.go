package alpine

import (
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"mvdan.cc/sh/v3/syntax"
)

// aptFalse and aptTrue are the spellings apt's configuration reads as a
// boolean (apt-pkg/contrib/configuration.cc, StringToBool).
var (
	aptFalse = map[string]bool{"false": true, "0": true, "no": true, "off": true, "without": true, "disable": true}
	aptTrue  = map[string]bool{"true": true, "1": true, "yes": true, "on": true, "with": true, "enable": true}
)

// aptTuning are the apt configuration settings (lower case, as apt
// compares them) that only tune how apt itself fetches, prints or asks:
// apk has nothing they would change, so they go with the command.
var aptTuning = map[string]bool{
	// output and prompts
	"quiet": true, "apt::get::assume-yes": true, "apt::get::yes": true, "apt::get::show-versions": true,
	"apt::get::show-upgraded": true, "apt::color": true, "dpkg::use-pty": true, "dpkg::progress-fancy": true,
	"apt::get::allowunauthenticated": true, "apt::get::fix-missing": true,
	// fetching: retries, timeouts, index formats, checks apk makes its own way
	"acquire::retries": true, "acquire::http::timeout": true, "acquire::https::timeout": true, "acquire::ftp::timeout": true,
	"acquire::http::pipeline-depth": true, "acquire::http::no-cache": true, "acquire::languages": true,
	"acquire::gzipindexes": true, "acquire::pdiffs": true, "acquire::queue-mode": true, "acquire::check-valid-until": true,
	"acquire::check-date": true, "acquire::allowinsecurerepositories": true, "acquire::allowdowngradetoinsecurerepositories": true,
	"acquire::allowreleaseinfochange": true, "acquire::allowreleaseinfochange::suite": true,
	"acquire::allowreleaseinfochange::codename": true, "acquire::allowreleaseinfochange::version": true,
	"acquire::allowreleaseinfochange::origin": true, "acquire::allowreleaseinfochange::label": true,
	// how long to wait for dpkg's lock, who runs the downloads
	"dpkg::lock::timeout": true, "apt::sandbox::user": true,
	// the downloaded .debs: apk add --no-cache keeps none
	"apt::keep-downloaded-packages": true, "binary::apt::apt::keep-downloaded-packages": true,
}

// dpkgConfOptions are the dpkg options (Dpkg::Options) that only answer
// dpkg's question about a changed configuration file, which apk never
// asks (it writes the new file as .apk-new), or only change how dpkg
// writes (--force-unsafe-io).
var dpkgConfOptions = map[string]bool{"--force-confold": true, "--force-confdef": true, "--force-confnew": true,
	"--force-confmiss": true, "--force-confask": true, "--force-unsafe-io": true}

// aptSetting returns the NAME=value an apt option at c.Args[i] sets (-o
// NAME=value, -oNAME=value, --option NAME=value, --option=NAME=value),
// whether it is one, and whether the value is in the next word.
func aptSetting(c *syntax.CallExpr, i int) (setting string, isOpt, next bool) {
	w, _ := shellx.WordLit(c.Args[i])
	switch {
	case w == "-o" || w == "--option":
		if i+1 >= len(c.Args) {
			return "", true, false
		}
		v, ok := shellx.WordLit(c.Args[i+1])
		if !ok {
			return "$", true, true // not a literal: never safe
		}
		return v, true, true
	case strings.HasPrefix(w, "--option="):
		return strings.TrimPrefix(w, "--option="), true, false
	case strings.HasPrefix(w, "-o") && len(w) > 2:
		return strings.TrimPrefix(strings.TrimPrefix(w, "-o"), "="), true, false
	}
	return "", false, false
}

// aptSettingUnsafe says why an apt configuration setting (NAME=value) of
// an apt-get command cannot simply be dropped on Alpine, or "" when it
// only tunes apt.
func aptSettingUnsafe(setting string) string {
	name, value, ok := strings.Cut(setting, "=")
	if !ok || strings.ContainsAny(setting, "$`") {
		return "apt option -o " + setting + " is not a NAME=value docklean can read"
	}
	key := strings.TrimSuffix(strings.ToLower(name), "::")
	value = strings.ToLower(strings.Trim(value, `"'`))
	switch {
	case aptTuning[key] || strings.HasPrefix(key, "debug::") || strings.HasPrefix(key, "acquire::compressiontypes::"):
		return ""
	case key == "apt::install-recommends" || key == "apt::install-suggests":
		if aptFalse[value] {
			return "" // apk has no weak dependencies: the packages named are what it installs
		}
		if aptTrue[value] {
			return "apt option -o " + setting + " installs weak dependencies on purpose; docklean maps only the packages named (drop the option if apt's default is meant)"
		}
	case key == "dpkg::options":
		if dpkgConfOptions[value] {
			return ""
		}
		return "apt option -o " + setting + " passes " + value + " to dpkg, which changes what gets installed; apk has no equivalent"
	case strings.HasSuffix(key, "::proxy") && strings.HasPrefix(key, "acquire::"):
		return "apt option -o " + setting + " fetches through a proxy; apk reads http_proxy and https_proxy from the environment instead: set them by hand"
	}
	return "apt option -o " + setting + " changes what apt does; docklean drops only options that tune apt (retries, timeouts, prompts, Install-Recommends=false)"
}
