package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"syscall"
)

const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// unpack applies the layers to root, chrooted into it: a layer's symlinks and its ".." entries then resolve inside
// the root being built, never on this machine, whatever the image holds.
func unpack(root string, layers []string) error {
	files := make([]*os.File, 0, len(layers))
	for _, layer := range layers {
		f, err := os.Open(layer)
		if err != nil {
			return err
		}
		defer f.Close()
		files = append(files, f)
	}
	if err := syscall.Chroot(root); err != nil {
		return fmt.Errorf("chroot %s: %w", root, err)
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	syscall.Umask(0)
	for i, f := range files {
		if err := applyLayer(f); err != nil {
			return fmt.Errorf("layer %s: %w", layers[i], err)
		}
	}
	return nil
}

func applyLayer(f *os.File) error {
	in := bufio.NewReaderSize(f, 1<<20)
	magic, _ := in.Peek(4)
	var stream io.Reader = in
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(in)
		if err != nil {
			return err
		}
		defer gz.Close()
		stream = gz
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return errors.New("zstd layers are not supported by the test node")
	}
	// Paths this layer wrote: an opaque directory hides what lower layers put in it, not what this layer adds.
	written := map[string]bool{}
	tr := tar.NewReader(stream)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean("/" + hdr.Name)
		dir, base := path.Split(name)
		switch {
		case base == opaqueMarker:
			if err := clearDirectory(dir, written); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(base, whiteoutPrefix):
			if err := os.RemoveAll(dir + strings.TrimPrefix(base, whiteoutPrefix)); err != nil {
				return err
			}
			continue
		}
		written[name] = true
		if name == "/" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := extract(hdr, name, tr); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}

func clearDirectory(dir string, written map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, entry := range entries {
		child := path.Join(dir, entry.Name())
		if !written[child] {
			if err := os.RemoveAll(child); err != nil {
				return err
			}
		}
	}
	return nil
}

func extract(hdr *tar.Header, name string, content io.Reader) error {
	existing, statErr := os.Lstat(name)
	if statErr == nil && !(hdr.Typeflag == tar.TypeDir && existing.IsDir()) {
		if err := os.RemoveAll(name); err != nil {
			return err
		}
	}
	mode := uint32(hdr.Mode) & 0o7777
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(name, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
	case tar.TypeReg, tar.TypeRegA:
		out, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, content)
		if closeErr := out.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			return err
		}
	case tar.TypeSymlink:
		if err := os.Symlink(hdr.Linkname, name); err != nil {
			return err
		}
		return os.Lchown(name, hdr.Uid, hdr.Gid)
	case tar.TypeLink:
		// A hard link names another entry of the image; its attributes are that entry's.
		return os.Link(path.Clean("/"+hdr.Linkname), name)
	case tar.TypeChar:
		if err := syscall.Mknod(name, syscall.S_IFCHR|mode, device(hdr)); err != nil {
			return err
		}
	case tar.TypeBlock:
		if err := syscall.Mknod(name, syscall.S_IFBLK|mode, device(hdr)); err != nil {
			return err
		}
	case tar.TypeFifo:
		if err := syscall.Mkfifo(name, mode); err != nil {
			return err
		}
	default:
		return nil
	}
	// chown clears setuid bits and file capabilities, so the mode and the extended attributes come after it.
	if err := os.Lchown(name, hdr.Uid, hdr.Gid); err != nil {
		return err
	}
	if err := syscall.Chmod(name, mode); err != nil {
		return err
	}
	for key, value := range hdr.PAXRecords {
		if attribute, ok := strings.CutPrefix(key, "SCHILY.xattr."); ok {
			if err := syscall.Setxattr(name, attribute, []byte(value), 0); err != nil {
				return fmt.Errorf("xattr %s: %w", attribute, err)
			}
		}
	}
	if hdr.Typeflag != tar.TypeDir {
		return os.Chtimes(name, hdr.ModTime, hdr.ModTime)
	}
	return nil
}

func device(hdr *tar.Header) int {
	return int((hdr.Devmajor << 8) | (hdr.Devminor & 0xff) | ((hdr.Devminor &^ 0xff) << 12))
}
