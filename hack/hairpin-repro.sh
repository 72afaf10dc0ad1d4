#!/usr/bin/env bash
# hairpin-repro.sh: does a pod's hairpin traffic (the pod reaching itself through its own ClusterIP
# Service) open its ingress policy to other pods? A reproducer for what `--via both` showed on
# Cilium (issue 16), runnable against any cluster that holds the probe image.
#
#   hack/hairpin-repro.sh KUBECONFIG PROBE_IMAGE [NODE_A NODE_B]
#
# It creates the namespace cnpc-hairpin (labelled cnpc.dev/owned=true) with two probe pods, a and
# b, a Service in front of b, and a NetworkPolicy that denies all ingress to b. Then, for each
# background load in b, it sends N new TCP connections and N UDP datagrams from a to b's pod IP,
# every one of which the policy denies, and counts how many b answered:
#   none          b is idle
#   svc-hairpin   b probes its own Service (b -> ClusterIP of b -> b)
#   self-pod-ip   b probes its own pod IP (stays on b's loopback, never leaves the pod)
#   svc-other     b probes a's Service (a Service path that is not hairpin)
# Every answer in any row is a packet the policy should have dropped. Every probe is bounded by its
# timeout and every loop by its count; traffic goes only to the pods this script creates. The
# namespace is deleted at the end unless KEEP=1.
set -euo pipefail
kubeconfig=${1:?usage: hack/hairpin-repro.sh KUBECONFIG PROBE_IMAGE [NODE_A NODE_B]}
image=${2:?usage: hack/hairpin-repro.sh KUBECONFIG PROBE_IMAGE [NODE_A NODE_B]}
node_a=${3:-} node_b=${4:-}
n=${N:-400}          # denied probes per protocol and load
rounds=${ROUNDS:-3}  # repetitions of each load
bg_n=${BG:-12000}    # background probes per protocol, enough to outlast the denied batch
ns=cnpc-hairpin
k() { kubectl --kubeconfig "$kubeconfig" "$@"; }
command -v python3 >/dev/null || { echo "hairpin-repro: python3 is needed" >&2; exit 3; }

pod() { # pod NAME NODE
  local node_line=""
  [ -n "$2" ] && node_line="  nodeName: $2"
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: $ns, labels: {app: $1}}
spec:
$node_line
  terminationGracePeriodSeconds: 0
  automountServiceAccountToken: false
  tolerations: [{operator: Exists}]
  containers:
  - name: probe
    image: $image
    imagePullPolicy: Never
    args: [serve, --identity, $ns/$1, --ports, "80/TCP,80/UDP"]
    ports: [{name: serve-80-tcp, containerPort: 80, protocol: TCP}, {name: serve-80-udp, containerPort: 80, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: $1, namespace: $ns}
spec:
  selector: {app: $1}
  ports: [{name: tcp, port: 80, protocol: TCP, targetPort: serve-80-tcp}, {name: udp, port: 80, protocol: UDP, targetPort: serve-80-udp}]
---
EOF
}

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; [ "${KEEP:-}" = 1 ] || k delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT
# Start from nothing: an earlier run's namespace may still be terminating.
k delete namespace "$ns" --ignore-not-found --timeout=120s >/dev/null
k create namespace "$ns" >/dev/null
k label namespace "$ns" cnpc.dev/owned=true --overwrite >/dev/null
{ pod a "$node_a"; pod b "$node_b"; cat <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress-b, namespace: $ns}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
EOF
} | k apply -f - >/dev/null
k -n "$ns" wait --for=condition=Ready pod/a pod/b --timeout=120s >/dev/null
ip_a=$(k -n "$ns" get pod a -o jsonpath='{.status.podIP}')
ip_b=$(k -n "$ns" get pod b -o jsonpath='{.status.podIP}')
svc_a=$(k -n "$ns" get service a -o jsonpath='{.spec.clusterIP}')
svc_b=$(k -n "$ns" get service b -o jsonpath='{.spec.clusterIP}')
echo "a $ip_a on $(k -n "$ns" get pod a -o jsonpath='{.spec.nodeName}'), b $ip_b on $(k -n "$ns" get pod b -o jsonpath='{.spec.nodeName}'), Service a $svc_a, Service b $svc_b"

# batch NAME IP COUNT TIMEOUT CONCURRENCY EXPECT: COUNT TCP and COUNT UDP targets at IP:80.
batch() {
  python3 - "$@" <<'EOF'
import json, sys
name, ip, count, timeout, conc, expect = sys.argv[1:7]
targets = [{"name": name, "ip": ip, "port": 80, "protocol": p, "expect": expect}
           for _ in range(int(count)) for p in ("TCP", "UDP")]
print(json.dumps({"timeout": timeout, "attempts": 1, "concurrency": int(conc), "targets": targets}))
EOF
}
# answered: from a probe response on stdin, "TCP n UDP m": how many of each were answered by b.
answered() {
  python3 -c '
import json, sys
r = json.load(sys.stdin)
c = {"TCP": 0, "UDP": 0}
tcp_half = 0
for x in r["results"]:
    if x["outcome"] == "connected":
        c[x["protocol"]] += 1
    elif "no identity line" in x.get("error", ""):
        tcp_half += 1
print("TCP %d UDP %d (TCP handshakes with no answer: %d)" % (c["TCP"], c["UDP"], tcp_half))'
}
probe() { k -n "$ns" exec -i "$1" -- /cnpc-probe probe; }

# Wait until the policy is in force: a full batch from a with nothing answered.
for try in $(seq 1 30); do
  res=$(batch b "$ip_b" 20 500ms 40 "$ns/b" | probe a | answered)
  case $res in "TCP 0 UDP 0"*) break ;; esac
  [ "$try" = 30 ] && { echo "the policy did not take effect in 30 tries: $res" >&2; exit 1; }
  sleep 1
done

printf '%-12s %-6s %-48s %s\n' load round "answered of $n TCP, $n UDP a -> b (all denied)" "the load's own probes answered (of $bg_n each)"
for load in none svc-hairpin self-pod-ip svc-other; do
  for r in $(seq 1 "$rounds"); do
    bg=""
    case $load in
      svc-hairpin) bg=$(batch b "$svc_b" "$bg_n" 1s 4 "$ns/b") ;;
      self-pod-ip) bg=$(batch b "$ip_b" "$bg_n" 1s 4 "$ns/b") ;;
      svc-other) bg=$(batch a "$svc_a" "$bg_n" 1s 4 "$ns/a") ;;
    esac
    pid="" bgres="-"
    if [ -n "$bg" ]; then
      printf '%s\n' "$bg" | probe b >"$tmp/bg.json" & pid=$!
      sleep 1
    fi
    res=$(batch b "$ip_b" "$n" 300ms 50 "$ns/b" | probe a | answered)
    if [ -n "$pid" ]; then
      wait "$pid"
      bgres=$(answered <"$tmp/bg.json")
      bgres=${bgres%% (*}
    fi
    printf '%-12s %-6s %-48s %s\n' "$load" "$r" "$res" "$bgres"
  done
done
