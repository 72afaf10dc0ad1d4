// Package engine is cnpc's model of Kubernetes NetworkPolicy: from a topology and the policies in
// force it predicts, for every ordered pair of peers and every served port, whether the connection
// is allowed, and explains why. It is the referee of the whole suite.
//
// It is pure: it imports only cnpc's cases package (and Kubernetes API types), does no I/O, reads
// no clock, logs nothing and starts no goroutines.
package engine
