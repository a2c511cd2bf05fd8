package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// Spec is one container, as the test node resolved it from the pod and the image.
type Spec struct {
	// Rootfs is the image's unpacked root filesystem, shared by every container of that image and never written.
	Rootfs string `json:"rootfs"`
	// Dir is the container's own directory: the overlay's writable layer and its mount point live here.
	Dir            string  `json:"dir"`
	ReadOnlyRootfs bool    `json:"readOnlyRootfs"`
	Hostname       string  `json:"hostname"`
	Mounts         []Mount `json:"mounts"`
	UID            uint32  `json:"uid"`
	GID            uint32  `json:"gid"`
	Groups         []int   `json:"groups"`
	// Capabilities is the bounding set (and, for uid 0, the effective set), as names such as CAP_SETUID.
	Capabilities    []string `json:"capabilities"`
	NoNewPrivileges bool     `json:"noNewPrivileges"`
	Cwd             string   `json:"cwd"`
	Env             []string `json:"env"`
	Args            []string `json:"args"`
	// PidFile receives the host pid of the container's first process, for probes that enter it.
	PidFile string `json:"pidFile"`
	// ErrorFile receives the reason the container could not be started, if it could not.
	ErrorFile string `json:"errorFile"`
}

// Mount binds a path of this machine into the container, in the order given.
type Mount struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly"`
}

const oldRoot = "/.terrarium-old-root"

// PR_SET_NO_NEW_PRIVS of linux/prctl.h, which package syscall does not name.
const prSetNoNewPrivs = 38

// run starts the container's first process in new namespaces, forwards signals to it and exits with its code.
func run(specFile string) int {
	// The parent-death signal follows the thread that started this process: the JVM thread that waits for it.
	runtime.LockOSThread()
	if err := prctl(syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)); err != nil {
		fmt.Fprintln(os.Stderr, "terrarium-node-runtime:", err)
		return 128
	}
	spec, err := readSpec(specFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "terrarium-node-runtime:", err)
		return 128
	}
	cmd := exec.Command("/proc/self/exe", "init", specFile)
	cmd.Stdin = nil
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC,
		Pdeathsig:  syscall.SIGKILL,
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1,
		syscall.SIGUSR2)
	if err := cmd.Start(); err != nil {
		return startFailed(spec, err)
	}
	if spec.PidFile != "" {
		_ = os.WriteFile(spec.PidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok {
		return startFailed(spec, err)
	}
	if status.Signaled() {
		return 128 + int(status.Signal())
	}
	return status.ExitStatus()
}

// initContainer is the container's PID 1 until it execs the container's command.
func initContainer(specFile string) {
	runtime.LockOSThread()
	spec, err := readSpec(specFile)
	var errorFile *os.File
	if err == nil && spec.ErrorFile != "" {
		// Opened before pivot_root, after which this machine's paths are out of reach; closed on exec.
		errorFile, err = os.OpenFile(spec.ErrorFile, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	}
	if err == nil {
		err = setUp(spec)
	}
	if err == nil {
		err = become(spec)
	}
	var program string
	if err == nil {
		program, err = lookPath(spec.Args[0], spec.Env)
	}
	if err == nil {
		err = syscall.Exec(program, spec.Args, spec.Env)
		err = fmt.Errorf("exec %q: %w", spec.Args[0], err)
	}
	fmt.Fprintln(os.Stderr, "terrarium-node-runtime:", err)
	if errorFile != nil {
		_, _ = errorFile.WriteString(err.Error())
	}
	os.Exit(128)
}

func readSpec(file string) (*Spec, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	spec := &Spec{}
	if err := json.Unmarshal(data, spec); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(spec.Args) == 0 {
		return nil, errors.New("no command specified")
	}
	return spec, nil
}

// startFailed reports why the container did not start, as a runtime's StartError does, with exit code 128. It
// runs in this machine's mount namespace; initContainer reports its own failures.
func startFailed(spec *Spec, err error) int {
	fmt.Fprintln(os.Stderr, "terrarium-node-runtime:", err)
	if spec != nil && spec.ErrorFile != "" {
		_ = os.WriteFile(spec.ErrorFile, []byte(err.Error()), 0o644)
	}
	return 128
}

// setUp builds the container's file system view: the image root with a writable layer, then pivot_root into it,
// then /proc, /sys, /dev and the pod's mounts. Mount targets are made after pivot_root, so that the image's
// symlinks resolve inside the container and never on this machine.
func setUp(spec *Spec) error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	merged := filepath.Join(spec.Dir, "merged")
	upper := filepath.Join(spec.Dir, "upper")
	work := filepath.Join(spec.Dir, "work")
	for _, dir := range []string{merged, upper, work} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	options := "lowerdir=" + spec.Rootfs + ",upperdir=" + upper + ",workdir=" + work
	if err := syscall.Mount("overlay", merged, "overlay", 0, options); err != nil {
		return fmt.Errorf("mounting the root filesystem (%s): %w", options, err)
	}
	if err := os.MkdirAll(merged+oldRoot, 0o700); err != nil {
		return err
	}
	if err := syscall.PivotRoot(merged, merged+oldRoot); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	if err := mountSystem(); err != nil {
		return err
	}
	for _, m := range spec.Mounts {
		if err := bind(m); err != nil {
			return fmt.Errorf("mounting %s at %s: %w", m.Source, m.Target, err)
		}
	}
	if err := syscall.Unmount(oldRoot, syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the old root: %w", err)
	}
	if err := os.Remove(oldRoot); err != nil {
		return err
	}
	if spec.Cwd != "" {
		// As runc does: a missing working directory is made, owned by root.
		if err := os.MkdirAll(spec.Cwd, 0o755); err != nil {
			return fmt.Errorf("working directory %s: %w", spec.Cwd, err)
		}
	}
	if spec.ReadOnlyRootfs {
		if err := syscall.Mount("", "/", "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("making the root filesystem read-only: %w", err)
		}
	}
	if spec.Hostname != "" {
		if err := syscall.Sethostname([]byte(spec.Hostname)); err != nil {
			return err
		}
	}
	if spec.Cwd != "" {
		if err := os.Chdir(spec.Cwd); err != nil {
			return fmt.Errorf("working directory %s: %w", spec.Cwd, err)
		}
	}
	return nil
}

func mountSystem() error {
	const nosuid, nodev, noexec = syscall.MS_NOSUID, syscall.MS_NODEV, syscall.MS_NOEXEC
	mounts := []struct {
		source, target, fstype string
		flags                  uintptr
		data                   string
	}{
		{"proc", "/proc", "proc", nosuid | nodev | noexec, ""},
		{"sysfs", "/sys", "sysfs", nosuid | nodev | noexec | syscall.MS_RDONLY, ""},
		{"tmpfs", "/dev", "tmpfs", nosuid | syscall.MS_STRICTATIME, "mode=755,size=65536k"},
		{"devpts", "/dev/pts", "devpts", nosuid | noexec, "newinstance,ptmxmode=0666,mode=0620,gid=5"},
		{"shm", "/dev/shm", "tmpfs", nosuid | nodev | noexec, "mode=1777,size=65536k"},
		{"mqueue", "/dev/mqueue", "mqueue", nosuid | nodev | noexec, ""},
	}
	for _, m := range mounts {
		if err := os.MkdirAll(m.target, 0o755); err != nil {
			return err
		}
		if err := syscall.Mount(m.source, m.target, m.fstype, m.flags, m.data); err != nil {
			return fmt.Errorf("mounting %s: %w", m.target, err)
		}
	}
	for _, device := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		if err := bind(Mount{Source: "/dev/" + device, Target: "/dev/" + device}); err != nil {
			return fmt.Errorf("/dev/%s: %w", device, err)
		}
	}
	links := map[string]string{"/dev/fd": "/proc/self/fd", "/dev/stdin": "/proc/self/fd/0",
		"/dev/stdout": "/proc/self/fd/1", "/dev/stderr": "/proc/self/fd/2", "/dev/ptmx": "pts/ptmx"}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			return err
		}
	}
	return nil
}

// bind mounts a path of this machine (reached through the old root) at a path of the container.
func bind(m Mount) error {
	source := oldRoot + m.Source
	info, err := os.Stat(source)
	if err != nil {
		return err
	}
	if info.IsDir() {
		err = os.MkdirAll(m.Target, 0o755)
	} else {
		err = touch(m.Target)
	}
	if err != nil {
		return err
	}
	if err := syscall.Mount(source, m.Target, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return err
	}
	if m.ReadOnly {
		return syscall.Mount("", m.Target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, "")
	}
	return nil
}

func touch(file string) error {
	if err := os.MkdirAll(path.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// become switches to the container's credentials: bounding set first (dropping needs CAP_SETPCAP), then groups,
// gid and uid; a non-root uid keeps no capability of its own, uid 0 keeps exactly the spec's set.
func become(spec *Spec) error {
	keep, err := capabilityNumbers(spec.Capabilities)
	if err != nil {
		return err
	}
	if err := limitBoundingSet(keep); err != nil {
		return err
	}
	if err := syscall.Setgroups(spec.Groups); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setresgid(int(spec.GID), int(spec.GID), int(spec.GID)); err != nil {
		return fmt.Errorf("setgid %d: %w", spec.GID, err)
	}
	if err := syscall.Setresuid(int(spec.UID), int(spec.UID), int(spec.UID)); err != nil {
		return fmt.Errorf("setuid %d: %w", spec.UID, err)
	}
	if spec.UID == 0 {
		if err := setCapabilities(keep); err != nil {
			return err
		}
	}
	if spec.NoNewPrivileges {
		if err := prctl(prSetNoNewPrivs, 1); err != nil {
			return fmt.Errorf("no_new_privs: %w", err)
		}
	}
	syscall.Umask(0o022)
	// A change of credentials clears the parent-death signal; the container must still die with its runtime.
	return prctl(syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL))
}

// lookPath finds a command the way a container runtime does: in the PATH of the container's environment.
func lookPath(command string, env []string) (string, error) {
	if strings.Contains(command, "/") {
		return command, nil
	}
	search := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, variable := range env {
		if value, ok := strings.CutPrefix(variable, "PATH="); ok {
			search = value
		}
	}
	for _, dir := range filepath.SplitList(search) {
		candidate := filepath.Join(dir, command)
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", command)
}

func prctl(option int, value uintptr) error {
	if _, _, errno := syscall.RawSyscall6(syscall.SYS_PRCTL, uintptr(option), value, 0, 0, 0, 0); errno != 0 {
		return errno
	}
	return nil
}
