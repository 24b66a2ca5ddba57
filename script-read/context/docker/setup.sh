#!/bin/sh
set -e
wget -q -O /tmp/x https://example.com/x
ssh-keyscan github.com >> /etc/ssh/ssh_known_hosts
