// Stand-in for github.com/projectcalico/calico/lib/httpmachinery, a nested module of the calico
// repository that its module zip leaves out. calico's go.mod replaces it with ./lib/httpmachinery;
// only a component cnpc does not build imports it, so an empty module satisfies the build.
module github.com/projectcalico/calico/lib/httpmachinery

go 1.24
