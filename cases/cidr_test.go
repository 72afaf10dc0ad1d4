package cases

import (
	"net/netip"
	"testing"
)

func TestParseCIDR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"010.0.0.0/8", "10.0.0.0/8"}, // leading zeros are decimal, as the API server reads them
		{"10.0.0.1/8", "10.0.0.0/8"},  // host bits are allowed and masked
		{"192.168.005.010/32", "192.168.5.10/32"},
		{"fd00::1/64", "fd00::/64"},
		{"::/0", "::/0"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"10.0.0.0/08", "10.0.0.0/8"},
		{"10.0.0.0", ""},
		{"10.0.0.0/33", ""},
		{"10.0.0.256/8", ""},
		{"fd00::/129", ""},
		{"fe80::1%eth0/64", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := ParseCIDR(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseCIDR(%q) = %v, want an error", tt.in, got)
		case tt.want == "":
		case err != nil:
			t.Errorf("ParseCIDR(%q): %v, want %s", tt.in, err, tt.want)
		case got != netip.MustParsePrefix(tt.want):
			t.Errorf("ParseCIDR(%q) = %v, want %s", tt.in, got, tt.want)
		}
	}
	if _, err := ParseCIDR("10/8"); err == nil || err.Error() != `found "10/8", expected a CIDR such as 10.0.0.0/24 or fd00::/64` {
		t.Errorf("ParseCIDR(10/8): %v", err)
	}
}
