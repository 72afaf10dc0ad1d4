// Package version holds the build's version and commit, set with -ldflags by the Makefile.
package version

// Version and Commit are set at build time; "dev" and "unknown" mean an unstamped build.
var (
	Version = "dev"
	Commit  = "unknown"
)
