package cases

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GenerateOptions tunes Generate. The zero value generates every case.
type GenerateOptions struct {
	// Limit keeps only the first Limit cases when positive.
	Limit int
}

// Generate returns the generated coverage cases on the standard topology, always the same cases in
// the same order: there is no randomness. It combines four families:
//   - single policies: every direction x peer choice x port choice, the target selector rotating;
//   - actions: a policy followed by a step that updates or deletes it, relabels a pod or a
//     namespace, or adds or deletes a pod or a namespace;
//   - conflicts: a second policy on the same (or an overlapping) target that allows all, denies
//     all, or allows other ports;
//   - rule counts: policies with two and three rules.
//
// Every case is tagged with the features its content uses (derived, not hand-written) plus
// "generated".
func Generate(opts GenerateOptions) []*Case {
	var out []*Case
	out = append(out, genSingles()...)
	out = append(out, genActions()...)
	out = append(out, genConflicts()...)
	out = append(out, genRuleCounts()...)
	for _, c := range out {
		c.Features = DeriveFeatures(c)
	}
	if opts.Limit > 0 && opts.Limit < len(out) {
		out = out[:opts.Limit]
	}
	return out
}

// Generated returns every generated case (Generate with zero options).
func Generated() []*Case { return Generate(GenerateOptions{}) }

func genCase(name, description string, steps ...Step) *Case {
	return &Case{
		Name:        name,
		Description: description,
		Source:      "cnpc generator (cases/generate.go)",
		Steps:       steps,
	}
}

func applyStep(name string, ps ...networkingv1.NetworkPolicy) Step {
	return Step{Name: name, Apply: ps}
}

func genSingles() []*Case {
	var out []*Case
	targets := genTargets()
	i := 0
	for _, d := range genDirections {
		for _, peer := range genPeerChoices() {
			for _, port := range genPortChoices() {
				t := targets[i%len(targets)]
				i++
				name := fmt.Sprintf("gen-%s-%s-%s-%s", d, t.name, peer.name, port.name)
				desc := fmt.Sprintf("One %s policy on target %s in x: peers %s, ports %s.", d, t.name, peer.name, port.name)
				p := policy("gen", t.selector, d, genRule{peer, port})
				out = append(out, genCase(name, desc, applyStep("apply gen", p)))
			}
		}
	}
	return out
}

// genAction is a second step applied after the base policy of an action case. Most actions change
// the table; relabelling pods under a namespace-only peer, or namespaces under a pod-only peer,
// deliberately does not: the CNI must not change anything there either.
type genAction struct {
	name string
	step func(d genDirection, r genRule) Step
}

func genActionChoices() []genAction {
	target := *labelSel("pod", "a")
	return []genAction{
		{"update", func(d genDirection, r genRule) Step {
			r.ports = genPortChoices()[1]
			return applyStep("update gen to TCP 80", policy("gen", target, d, r))
		}},
		{"delete", func(genDirection, genRule) Step {
			return Step{Name: "delete gen", Delete: []PolicyRef{{Namespace: "x", Name: "gen"}}}
		}},
		{"relabel-target", func(genDirection, genRule) Step {
			return Step{Name: "relabel x/a", SetPodLabels: []PodLabels{{Pod: PodKey("x", "a"), Labels: map[string]string{"pod": "a2"}}}}
		}},
		{"relabel-peer", func(genDirection, genRule) Step {
			return Step{Name: "relabel x/b and y/b pod=c", SetPodLabels: []PodLabels{
				{Pod: PodKey("x", "b"), Labels: map[string]string{"pod": "c"}},
				{Pod: PodKey("y", "b"), Labels: map[string]string{"pod": "c"}},
			}}
		}},
		{"relabel-ns", func(genDirection, genRule) Step {
			return Step{Name: "relabel namespace y ns=y2 and z ns=y", SetNamespaceLabels: []NamespaceLabels{
				{Namespace: "y", Labels: map[string]string{"ns": "y2"}},
				{Namespace: "z", Labels: map[string]string{"ns": "y"}},
			}}
		}},
		{"add-pod", func(genDirection, genRule) Step {
			return Step{Name: "add x/d", AddPods: []Pod{genPod("x", "d", "b", "10.244.1.13")}}
		}},
		{"delete-pod", func(genDirection, genRule) Step {
			return Step{Name: "delete x/b", DeletePods: []PeerKey{PodKey("x", "b")}}
		}},
		{"add-ns", func(genDirection, genRule) Step {
			return Step{Name: "add namespace w labelled ns=y", AddNamespaces: []Namespace{{Name: "w", Labels: map[string]string{"ns": "y"}}},
				AddPods: []Pod{genPod("w", "a", "b", "10.244.4.10")}}
		}},
		{"delete-ns", func(genDirection, genRule) Step {
			return Step{Name: "delete namespace z", DeleteNamespaces: []string{"z"}}
		}},
	}
}

func genPod(ns, name, podLabel, ip string) Pod {
	return Pod{Namespace: ns, Name: name, Labels: map[string]string{"pod": podLabel}, IP: ip, Ports: StandardPorts()}
}

func genActions() []*Case {
	var out []*Case
	peers := genPeerChoices()
	chosen := []genPeers{peers[1], peers[2], peers[3], peers[8]} // pod, ns, pod-ns, multi
	target := *labelSel("pod", "a")
	for _, d := range genDirections {
		for _, a := range genActionChoices() {
			for _, peer := range chosen {
				r := genRule{peer, genPortChoices()[0]}
				name := fmt.Sprintf("gen-action-%s-%s-%s", a.name, d, peer.name)
				desc := fmt.Sprintf("One %s policy on x/a with peers %s, then the action %s.", d, peer.name, a.name)
				out = append(out, genCase(name, desc, applyStep("apply gen", policy("gen", target, d, r)), a.step(d, r)))
			}
		}
	}
	return out
}

func genConflicts() []*Case {
	var out []*Case
	peers, ports := genPeerChoices(), genPortChoices()
	target := *labelSel("pod", "a")
	second := []struct {
		name   string
		policy func(d genDirection, r genRule) networkingv1.NetworkPolicy
	}{
		{"allow-all", func(d genDirection, _ genRule) networkingv1.NetworkPolicy {
			return policy("second", target, d, genRule{peers[0], ports[0]})
		}},
		{"deny-all", func(d genDirection, _ genRule) networkingv1.NetworkPolicy { return policy("second", target, d) }},
		{"split-ports", func(d genDirection, r genRule) networkingv1.NetworkPolicy {
			return policy("second", target, d, genRule{r.peers, ports[6]})
		}},
		{"overlap-target", func(d genDirection, _ genRule) networkingv1.NetworkPolicy {
			return policy("second", metav1.LabelSelector{}, d, genRule{peers[2], ports[0]})
		}},
	}
	for _, d := range genDirections {
		for _, s := range second {
			for _, port := range []genPorts{ports[1], ports[5], ports[2]} {
				r := genRule{peers[1], port}
				name := fmt.Sprintf("gen-conflict-%s-%s-%s", s.name, d, port.name)
				desc := fmt.Sprintf("One %s policy on x/a (peer pod=b, ports %s) and a second policy: %s.", d, port.name, s.name)
				out = append(out, genCase(name, desc, applyStep("apply gen and second", policy("gen", target, d, r), s.policy(d, r))))
			}
		}
	}
	return out
}

func genRuleCounts() []*Case {
	var out []*Case
	peers, ports := genPeerChoices(), genPortChoices()
	rules := []genRule{{peers[1], ports[1]}, {peers[8], ports[5]}, {peers[6], ports[2]}}
	target := *labelSel("pod", "a")
	for _, d := range genDirections {
		for n := 2; n <= len(rules); n++ {
			name := fmt.Sprintf("gen-rules-%d-%s", n, d)
			desc := fmt.Sprintf("One %s policy on x/a with %d rules.", d, n)
			out = append(out, genCase(name, desc, applyStep("apply gen", policy("gen", target, d, rules[:n]...))))
		}
	}
	return out
}
