package docmesh

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"connectrpc.com/connect"
	documentv1 "docmesh.local/sdk/go/gen/docmesh/document/v1"
	ingestionv1 "docmesh.local/sdk/go/gen/docmesh/ingestion/v1"
)

// DefaultLargeFileBytes: files from this size take the presigned path (the server's one-call limit defaults to 50 MiB).
const DefaultLargeFileBytes = 16 << 20

// UploadOptions for UploadFile.
type UploadOptions struct {
	Batch          string // batches/{id} to join
	FileName       string // defaults to the path's base name
	LargeFileBytes int64  // defaults to DefaultLargeFileBytes
	OnProgress     func(sent, total int64)
}

// UploadResult says which document holds the bytes and whether they were already there.
type UploadResult struct {
	Path      string
	Document  *documentv1.Document
	Duplicate bool   // identical content already existed for this tenant; Document is that one
	Method    string // "single" or "presigned"
}

// UploadFile sends a small file in one UploadDocument call and a large one through
// CreateUpload, a PUT of the bytes with an exact Content-Length, and CompleteUpload.
func (c *Client) UploadFile(ctx context.Context, path string, opts UploadOptions) (*UploadResult, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	size := info.Size()
	name := opts.FileName
	if name == "" {
		name = filepath.Base(path)
	}
	limit := opts.LargeFileBytes
	if limit <= 0 {
		limit = DefaultLargeFileBytes
	}
	progress := func(sent int64) {
		if opts.OnProgress != nil {
			opts.OnProgress(sent, size)
		}
	}
	progress(0)
	if size < limit {
		content, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		response, err := c.Ingestion.UploadDocument(ctx, connect.NewRequest(&ingestionv1.UploadDocumentRequest{
			FileName: name, Content: content, Batch: opts.Batch,
		}))
		if err != nil {
			return nil, err
		}
		progress(size)
		return &UploadResult{Path: path, Document: response.Msg.GetDocument(), Duplicate: response.Msg.GetDuplicate(), Method: "single"}, nil
	}

	sum, err := hashFile(path)
	if err != nil {
		return nil, err
	}
	created, err := c.Ingestion.CreateUpload(ctx, connect.NewRequest(&ingestionv1.CreateUploadRequest{
		FileName: name, SizeBytes: size, Sha256: sum, Batch: opts.Batch,
	}))
	if err != nil {
		return nil, err
	}
	if existing := created.Msg.GetExistingDocument(); existing != nil {
		progress(size)
		return &UploadResult{Path: path, Document: existing, Duplicate: true, Method: "presigned"}, nil
	}
	if err := c.put(ctx, created.Msg.GetUploadUrl(), path, size, progress); err != nil {
		return nil, err
	}
	completed, err := c.Ingestion.CompleteUpload(ctx, connect.NewRequest(&ingestionv1.CompleteUploadRequest{Name: created.Msg.GetName()}))
	if err != nil {
		return nil, err
	}
	return &UploadResult{Path: path, Document: completed.Msg.GetDocument(), Duplicate: completed.Msg.GetDuplicate(), Method: "presigned"}, nil
}

func hashFile(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(hash.Sum(nil)), nil
}

type countingReader struct {
	io.Reader
	sent     int64
	progress func(int64)
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	r.sent += int64(n)
	r.progress(r.sent)
	return n, err
}

func (c *Client) put(ctx context.Context, url, path string, size int64, progress func(int64)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	request, err := http.NewRequestWithContext(ctx, http.MethodPut, url, &countingReader{Reader: file, progress: progress})
	if err != nil {
		return err
	}
	request.ContentLength = size // presigned S3 URLs refuse chunked bodies
	request.Header.Set("Content-Type", "application/octet-stream")
	response, err := c.http.Do(request)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode < 200 || response.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(response.Body, 500))
		return fmt.Errorf("PUT to the upload URL answered %d: %s", response.StatusCode, body)
	}
	return nil
}
