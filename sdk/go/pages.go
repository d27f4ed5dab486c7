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

// paginate yields the items of page after page until a page comes back without a next token.
func paginate[T any](fetch func(pageToken string) (items []T, next string, err error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := ""
		for {
			items, next, err := fetch(token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if token = next; token == "" {
				return
			}
		}
	}
}

// SearchAll yields every result across pages; break to stop early. request.PageToken is ignored.
func (c *Client) SearchAll(ctx context.Context, request *searchv1.SearchDocumentsRequest) iter.Seq2[*searchv1.SearchResult, error] {
	page := proto.Clone(request).(*searchv1.SearchDocumentsRequest)
	return paginate(func(token string) ([]*searchv1.SearchResult, string, error) {
		page.PageToken = token
		response, err := c.Search.SearchDocuments(ctx, connect.NewRequest(page))
		if err != nil {
			return nil, "", err
		}
		return response.Msg.GetResults(), response.Msg.GetNextPageToken(), nil
	})
}

// ListAll yields every document matching the request's filter, newest first, across pages.
func (c *Client) ListAll(ctx context.Context, request *metadatav1.ListDocumentsRequest) iter.Seq2[*documentv1.Document, error] {
	page := proto.Clone(request).(*metadatav1.ListDocumentsRequest)
	return paginate(func(token string) ([]*documentv1.Document, string, error) {
		page.PageToken = token
		response, err := c.Metadata.ListDocuments(ctx, connect.NewRequest(page))
		if err != nil {
			return nil, "", err
		}
		return response.Msg.GetDocuments(), response.Msg.GetNextPageToken(), nil
	})
}

// GetDocument reads one document by name (documents/{id}).
func (c *Client) GetDocument(ctx context.Context, name string) (*documentv1.Document, error) {
	response, err := c.Metadata.GetDocument(ctx, connect.NewRequest(&metadatav1.GetDocumentRequest{Name: name}))
	if err != nil {
		return nil, err
	}
	return response.Msg.GetDocument(), nil
}
