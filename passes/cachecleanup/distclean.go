package cachecleanup

// aptDistCleans reports whether c is apt-get dist-clean (or distclean),
// which APT 2.7.8 and later (trixie, noble) run as clean plus the removal
// of the package lists in /var/lib/apt/lists: the cleanup cache-cleanup
// would add.
func aptDistCleans(c *pkgCmd) bool {
	return c.tool == "apt" && (c.subcmd() == "dist-clean" || c.subcmd() == "distclean")
}

// aptUpdatesFirst reports whether c is an apt-get install or upgrade with
// --update, which APT 3.0 runs as apt-get update first: the lists it uses
// are its own, fresh ones.
func aptUpdatesFirst(c *pkgCmd) bool {
	return c.tool == "apt" && c.sub > 0 && c.has("--update") && aptFills(c)
}
