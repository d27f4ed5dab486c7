// The Go SDK in one page: upload a folder into a batch (small files in one call, large ones
// through the presigned path), watch the batch to its end, search, and read a document back.
//
//	DOCMESH_URL=http://127.0.0.1:8080 [DOCMESH_TOKEN=…] go run ./examples/quickstart <folder>
//
// Prints one JSON line; test/integration/sdk/go-example.test.ts runs it against a live server.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"connectrpc.com/connect"
	docmesh "docmesh.local/sdk/go"
	ingestionv1 "docmesh.local/sdk/go/gen/docmesh/ingestion/v1"
	metadatav1 "docmesh.local/sdk/go/gen/docmesh/metadata/v1"
	searchv1 "docmesh.local/sdk/go/gen/docmesh/search/v1"
)

type upload struct {
	Name      string `json:"name"`
	Method    string `json:"method"`
	Duplicate bool   `json:"duplicate"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: quickstart <folder>")
	}
	ctx := context.Background()
	baseURL := os.Getenv("DOCMESH_URL")
	if baseURL == "" {
		baseURL = "http://127.0.0.1:8080"
	}
	client := docmesh.New(docmesh.Options{
		BaseURL: baseURL,
		Token:   func(context.Context) (string, error) { return os.Getenv("DOCMESH_TOKEN"), nil },
	})
	largeFileBytes, _ := strconv.ParseInt(os.Getenv("LARGE_FILE_BYTES"), 10, 64)

	// 1. Upload every file of the folder into a new batch.
	created, err := client.Ingestion.CreateBatch(ctx, connect.NewRequest(&ingestionv1.CreateBatchRequest{DisplayName: "quickstart"}))
	if err != nil {
		return err
	}
	batch := created.Msg.GetBatch().GetName()
	entries, err := os.ReadDir(args[0])
	if err != nil {
		return err
	}
	var uploads []upload
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		result, err := client.UploadFile(ctx, filepath.Join(args[0], entry.Name()), docmesh.UploadOptions{Batch: batch, LargeFileBytes: largeFileBytes})
		if err != nil {
			return err
		}
		uploads = append(uploads, upload{result.Document.GetName(), result.Method, result.Duplicate})
	}

	// 2. Watch the batch until every document is terminal (reconnects resume from the cursors).
	final := map[string]string{}
	for event, err := range client.Watch(ctx, batch, docmesh.WatchOptions{}) {
		if err != nil {
			return err
		}
		if event.Update != nil && event.Update.GetTerminal() {
			final[event.Update.GetDocument()] = event.Update.GetStatus().String()
		}
	}

	// 3. Search across pages, 2 results per page.
	var hits []string
	for result, err := range client.SearchAll(ctx, &searchv1.SearchDocumentsRequest{Query: "invoice", Mode: searchv1.SearchMode_SEARCH_MODE_KEYWORD, PageSize: 2}) {
		if err != nil {
			return err
		}
		hits = append(hits, result.GetDocument().GetName())
	}
	sort.Strings(hits)

	// Every document of the tenant, one per page.
	var listed []string
	for document, err := range client.ListAll(ctx, &metadatav1.ListDocumentsRequest{PageSize: 1}) {
		if err != nil {
			return err
		}
		listed = append(listed, document.GetName())
	}

	// 4. Read one document back; a missing one is a typed error.
	document, err := client.GetDocument(ctx, uploads[0].Name)
	if err != nil {
		return err
	}
	missing := ""
	if _, err := client.GetDocument(ctx, "documents/00000000-0000-4000-8000-000000000000"); errors.Is(err, docmesh.ErrNotFound) {
		missing = "ErrNotFound"
	}

	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"batch":   batch,
		"uploads": uploads,
		"final":   final,
		"hits":    hits,
		"listed":  listed,
		"got":     map[string]string{"name": document.GetName(), "status": document.GetStatus().String(), "fileName": document.GetFileName()},
		"missing": missing,
	})
}
