package docmesh

import (
	"context"
	"iter"

	"connectrpc.com/connect"
	documentv1 "docmesh.local/sdk/go/gen/docmesh/document/v1"
	metadatav1 "docmesh.local/sdk/go/gen/docmesh/metadata/v1"
	searchv1 "docmesh.local/sdk/go/gen/docmesh/search/v1"
	"google.golang.org/protobuf/proto"
)

// SearchAll yields every result across pages; break to stop early. request.PageToken is ignored.
func (c *Client) SearchAll(ctx context.Context, request *searchv1.SearchDocumentsRequest) iter.Seq2[*searchv1.SearchResult, error] {
	return func(yield func(*searchv1.SearchResult, error) bool) {
		page := proto.Clone(request).(*searchv1.SearchDocumentsRequest)
		page.PageToken = ""
		for {
			response, err := c.Search.SearchDocuments(ctx, connect.NewRequest(page))
			if err != nil {
				yield(nil, err)
				return
			}
			for _, result := range response.Msg.GetResults() {
				if !yield(result, nil) {
					return
				}
			}
			if page.PageToken = response.Msg.GetNextPageToken(); page.PageToken == "" {
				return
			}
		}
	}
}

// ListAll yields every document matching the request's filter, newest first, across pages.
func (c *Client) ListAll(ctx context.Context, request *metadatav1.ListDocumentsRequest) iter.Seq2[*documentv1.Document, error] {
	return func(yield func(*documentv1.Document, error) bool) {
		page := proto.Clone(request).(*metadatav1.ListDocumentsRequest)
		page.PageToken = ""
		for {
			response, err := c.Metadata.ListDocuments(ctx, connect.NewRequest(page))
			if err != nil {
				yield(nil, err)
				return
			}
			for _, document := range response.Msg.GetDocuments() {
				if !yield(document, nil) {
					return
				}
			}
			if page.PageToken = response.Msg.GetNextPageToken(); page.PageToken == "" {
				return
			}
		}
	}
}

// GetDocument reads one document by name (documents/{id}).
func (c *Client) GetDocument(ctx context.Context, name string) (*documentv1.Document, error) {
	response, err := c.Metadata.GetDocument(ctx, connect.NewRequest(&metadatav1.GetDocumentRequest{Name: name}))
	if err != nil {
		return nil, err
	}
	return response.Msg.GetDocument(), nil
}
