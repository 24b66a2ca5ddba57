#!/bin/sh
set -e
echo hello > /tmp/hello.txt
curl -s file:///tmp/hello.txt
git -C /srv/repo log --format=%s
git --version
curl --version | head -n 1 | cut -d' ' -f1-2
