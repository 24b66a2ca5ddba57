package alpine

import "testing"

func TestScriptDataPath(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{"#!/bin/sh\nmv /etc/named.* /named/etc/\n", "/etc/named.*"},
		{"#!/bin/sh\ncd /var/named\n", "/var/named"},
		{"#!/bin/sh\nsed -i s/a/b/ /etc/nginx/nginx.conf\n", "/etc/nginx/nginx.conf"},
		{"#!/bin/sh\nmkdir -p /etc/app && chmod 700 /etc/app\n", ""},                    // made by the script
		{"#!/bin/sh\necho x > /etc/app.conf\ncat /etc/app.conf\n", ""},                  // a redirection makes it
		{"#!/bin/sh\ncp /app/app.conf /etc/app.conf\n", ""},                             // cp's destination
		{"#!/bin/sh\necho start >> /var/log/app.log; cat /etc/passwd /etc/hosts\n", ""}, // Alpine's base layout
		{"#!/bin/sh\nexec app --config \"$CONF\"\n", ""},                                // not a literal path
		{"#!/bin/sh\nif [ (\n", ""},                                                     // does not parse
	} {
		if got := scriptDataPath(c.script); got != c.want {
			t.Errorf("scriptDataPath(%q) = %q, want %q", c.script, got, c.want)
		}
	}
}
