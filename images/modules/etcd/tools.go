//go:build tools

// Package tools names the commands this wrapper module builds, so that go mod tidy keeps them.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
