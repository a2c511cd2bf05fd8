// Command terrarium-node-runtime is the container runtime of the test node that the test harness plays
// (dev.terrarium.testing.RealBuildNode). It has two jobs, both run as root on this machine:
//
//	terrarium-node-runtime unpack ROOT LAYER...   apply image layers (tar, gzip or not), in order, to ROOT
//	terrarium-node-runtime run SPEC.json           run one container as SPEC describes, wait for it, exit with its code
//
// It uses the standard library only. A container runs in its own mount, PID, UTS and IPC namespaces, from an overlay
// of the image's root filesystem with a writable layer of its own, after pivot_root, as the uid, gid and groups the
// spec names, with the capability bounding set the spec names. no_new_privs is set only when the spec asks for it,
// so setuid binaries such as newuidmap (rootless buildah) keep working, unlike under bubblewrap, which always sets it.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: terrarium-node-runtime unpack ROOT LAYER... | run SPEC.json")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "unpack":
		if err := unpack(os.Args[2], os.Args[3:]); err != nil {
			fmt.Fprintln(os.Stderr, "terrarium-node-runtime: unpack:", err)
			os.Exit(1)
		}
	case "run":
		os.Exit(run(os.Args[2]))
	case "init":
		initContainer(os.Args[2])
	default:
		fmt.Fprintln(os.Stderr, "terrarium-node-runtime: unknown command", os.Args[1])
		os.Exit(2)
	}
}
