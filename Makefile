# Entry points to the project's scripts; each one sets up what it needs (run as root on Debian 12).
.PHONY: test demo bench

test:
	scripts/test

demo:
	scripts/demo

bench:
	scripts/bench
