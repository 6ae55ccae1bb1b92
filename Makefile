# Entry points to the project's scripts; each one sets up what it needs (run as root on Debian 12).
.PHONY: test demo bench dist

test:
	scripts/test

demo:
	scripts/demo

bench:
	scripts/bench

# dist/dokku-migrate-VERSION.tar.gz: the plugin's files and the built helper jar (needs Maven and a JDK here, only a JRE on the Dokku host)
dist:
	scripts/dist
