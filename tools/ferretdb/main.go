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
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "./data/ferretdb", "directory for the SQLite databases")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on; port 0 picks a free one")
	flag.Parse()

	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		log.Fatal(err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
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
	uri := f.MongoDBURI()
	if err := waitUntilListening(ctx, uri, done); err != nil {
		log.Fatal(err)
	}
	fmt.Println(uri)

	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

func waitUntilListening(ctx context.Context, uri string, done <-chan error) error {
	u, err := url.Parse(uri)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
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
			return fmt.Errorf("FerretDB did not listen on %s within 30 s", u.Host)
		}
	}
}
