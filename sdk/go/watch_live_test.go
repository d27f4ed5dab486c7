//go:build live

// Run by test/integration/sdk/go-watch.test.ts against a live Docmesh behind a proxy whose
// connections that test cuts on request: go test -tags live -run TestWatchResumes .
package docmesh

import (
	"context"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"connectrpc.com/connect"
	ingestionv1 "docmesh.local/sdk/go/gen/docmesh/ingestion/v1"
)

func TestWatchResumesAfterTheConnectionIsCut(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	direct := New(Options{BaseURL: os.Getenv("DOCMESH_DIRECT_URL")})
	proxied := New(Options{BaseURL: os.Getenv("DOCMESH_URL")})
	created, err := direct.Ingestion.CreateBatch(ctx, connect.NewRequest(&ingestionv1.CreateBatchRequest{DisplayName: "go cut"}))
	if err != nil {
		t.Fatal(err)
	}
	batch := created.Msg.GetBatch().GetName()
	go func() {
		time.Sleep(300 * time.Millisecond) // let the watch open first
		_, err := direct.Ingestion.UploadDocument(ctx, connect.NewRequest(&ingestionv1.UploadDocumentRequest{
			FileName: "go-cut.txt", Content: []byte("Receipt R-88 from Sandpiper Deli, paid 9.80 EUR."), Batch: batch,
		}))
		if err != nil {
			t.Error(err)
		}
	}()

	reconnects := 0
	var document string
	var seen []int64
	cursors := map[string]int64{}
	options := WatchOptions{Cursors: cursors, InitialBackoff: 50 * time.Millisecond, OnReconnect: func(error, int) { reconnects++ }}
	for event, err := range proxied.Watch(ctx, batch, options) {
		if err != nil {
			t.Fatal(err)
		}
		if event.Update == nil {
			continue
		}
		document = event.Update.GetDocument()
		seen = append(seen, event.Update.GetSequence())
		if len(seen) == 1 { // right after the first update: the rest must come over a new connection
			response, err := http.Get(os.Getenv("DOCMESH_CUT_URL"))
			if err != nil {
				t.Fatal(err)
			}
			response.Body.Close()
		}
	}
	if reconnects < 1 {
		t.Fatalf("the stream was never reopened (reconnects = %d)", reconnects)
	}
	var undisturbed []int64
	for event, err := range direct.Watch(ctx, document, WatchOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if event.Update != nil {
			undisturbed = append(undisturbed, event.Update.GetSequence())
		}
	}
	if !slices.Equal(seen, undisturbed) {
		t.Fatalf("updates through the cut proxy %v, undisturbed %v", seen, undisturbed)
	}
	if cursors[document] != undisturbed[len(undisturbed)-1] {
		t.Fatalf("cursor %d, last sequence %d", cursors[document], undisturbed[len(undisturbed)-1])
	}
	t.Logf("%d updates, %d reconnect(s), sequences %v", len(seen), reconnects, seen)
}
