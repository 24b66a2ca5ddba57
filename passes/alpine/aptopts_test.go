package alpine

import "testing"

func TestAptSettingUnsafe(t *testing.T) {
	for setting, safe := range map[string]bool{
		"Acquire::Retries=3":                      true,
		"acquire::http::timeout=10":               true,
		"APT::Install-Recommends=false":           true,
		"APT::Install-Recommends=0":               true,
		"APT::Install-Suggests=\"false\"":         true,
		"Dpkg::Options::=--force-confold":         true,
		"Dpkg::Options::=--force-confdef":         true,
		"Debug::pkgProblemResolver=yes":           true,
		"Acquire::CompressionTypes::Order::=gz":   true,
		"APT::Install-Recommends=true":            false,
		"APT::Install-Suggests=1":                 false,
		"Dpkg::Options::=--force-overwrite":       false,
		"Dpkg::Options::=--force-depends":         false,
		"Acquire::http::Proxy=http://proxy:3128":  false,
		"Acquire::https::Proxy=http://proxy:3128": false,
		"APT::Architecture=i386":                  false,
		"Dir::Etc::SourceList=/tmp/sources.list":  false,
		"APT::Default-Release=bookworm-backports": false,
		"Acquire::Retries":                        false,
		"Acquire::Retries=$N":                     false,
	} {
		if got := aptSettingUnsafe(setting) == ""; got != safe {
			t.Errorf("aptSettingUnsafe(%q) safe = %v, want %v", setting, got, safe)
		}
	}
}
