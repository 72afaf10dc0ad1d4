package engine

import "math/bits"

// bitset is a set of peer indexes (pods first, then externals, in topology order). Compiling a
// policy turns each selector into a bitset once; evaluating then only ORs and ANDs words.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(uint(i)%64)) != 0 }

// or adds every member of o to b.
func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// orAnd adds every member of both o and p to b.
func (b bitset) orAnd(o, p bitset) {
	for i := range b {
		b[i] |= o[i] & p[i]
	}
}

// and returns a new set of the members of both b and o.
func (b bitset) and(o bitset) bitset {
	out := make(bitset, len(b))
	for i := range b {
		out[i] = b[i] & o[i]
	}
	return out
}

// fill sets the first n members.
func (b bitset) fill(n int) {
	for i := 0; i < n; i++ {
		b.set(i)
	}
}

// members lists the members in increasing order.
func (b bitset) members() []int {
	var out []int
	for i, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			out = append(out, i*64+t)
			w &^= 1 << uint(t)
		}
	}
	return out
}

// clearBelow clears the members below n (the pods, for a set over the universe's peers).
func (b bitset) clearBelow(n int) {
	for i := 0; i < n; i++ {
		b[i/64] &^= 1 << (uint(i) % 64)
	}
}
