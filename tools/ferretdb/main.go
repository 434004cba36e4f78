// Command ferretdb-embedded runs FerretDB v1 with its SQLite backend through the
// embeddable package. The upstream cmd/ferretdb binary panics when built from the
// module zip (version.txt is missing there), so we embed the library instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "./data/ferretdb", "directory for the SQLite databases")
	listen := flag.String("listen", "", "TCP address to listen on; port 0 picks a free one")
	listenUnix := flag.String("listen-unix", "", "Unix socket path to listen on instead of TCP")
	flag.Parse()
	if (*listen == "") == (*listenUnix == "") {
		log.Fatal("give exactly one of -listen and -listen-unix")
	}

	// FerretDB has no credentials of its own here: only the file system keeps other local users out.
	// Nothing it creates (SQLite files, the socket) may be readable or writable by anyone else.
	syscall.Umask(0o077)

	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		log.Fatal(err)
	}
	if err := restrictToOwner(abs); err != nil {
		log.Fatal(err)
	}
	if *listenUnix != "" {
		if err := removeStaleSocket(*listenUnix); err != nil {
			log.Fatal(err)
		}
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen, Unix: *listenUnix},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	go keepIDIndexes(ctx, abs, 250*time.Millisecond)

	// The parent process reads this line to learn the chosen port, so print it
	// only once the listener accepts connections.
	network, address, uri := "tcp", "", ""
	if *listenUnix != "" {
		// The driver wants the socket path percent-encoded in the host part, slashes included.
		network, address = "unix", *listenUnix
		uri = "mongodb://" + strings.ReplaceAll(url.PathEscape(*listenUnix), "/", "%2F") + "/"
	} else {
		uri = f.MongoDBURI()
		u, err := url.Parse(uri)
		if err != nil {
			log.Fatal(err)
		}
		address = u.Host
	}
	if err := waitUntilListening(ctx, network, address, done); err != nil {
		log.Fatal(err)
	}
	fmt.Println(uri)

	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// restrictToOwner makes dir and the files in it private to this user: databases from older
// versions were created world-readable.
func restrictToOwner(dir string) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeStaleSocket deletes a socket left by a FerretDB that was killed, and refuses to start
// when another FerretDB still answers on it (it would be serving the same files).
func removeStaleSocket(path string) error {
	if _, err := os.Lstat(path); os.IsNotExist(err) {
		return nil
	}
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		_ = conn.Close()
		return fmt.Errorf("another FerretDB is already listening on %s", path)
	}
	return os.Remove(path)
}

func waitUntilListening(ctx context.Context, network, address string, done <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout(network, address, time.Second)
		if err == nil {
			return conn.Close()
		}
		select {
		case err := <-done:
			return fmt.Errorf("FerretDB stopped before listening: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("FerretDB did not listen on %s within 30 s", address)
		}
	}
}
