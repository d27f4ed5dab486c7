// Package docmesh is the Go SDK for Docmesh: Connect clients generated from the contracts
// (package gen/...) plus helpers for uploads, resumable progress watches, paging, typed errors
// and tokens. See docs/sdk.md.
package docmesh

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"docmesh.local/sdk/go/gen/docmesh/ingestion/v1/ingestionv1connect"
	"docmesh.local/sdk/go/gen/docmesh/metadata/v1/metadatav1connect"
	"docmesh.local/sdk/go/gen/docmesh/progress/v1/progressv1connect"
	"docmesh.local/sdk/go/gen/docmesh/search/v1/searchv1connect"
)

// TokenSource returns the bearer token for a call; it is asked before every call, so a caller can
// refresh short-lived tokens. An empty token sends no Authorization header.
type TokenSource func(ctx context.Context) (string, error)

// StaticToken is a TokenSource for a fixed token.
func StaticToken(token string) TokenSource {
	return func(context.Context) (string, error) { return token, nil }
}

// Options configure a Client.
type Options struct {
	// BaseURL of the service or Envoy, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Token, optional: sent untouched as "Authorization: Bearer <token>".
	Token TokenSource
	// HTTPClient, optional: http.DefaultClient otherwise (also used for presigned PUTs).
	HTTPClient *http.Client
}

// Client holds the generated service clients and the helpers.
type Client struct {
	Ingestion ingestionv1connect.IngestionServiceClient
	Metadata  metadatav1connect.MetadataServiceClient
	Search    searchv1connect.SearchServiceClient
	Progress  progressv1connect.ProgressServiceClient
	http      *http.Client
}

// New returns a client speaking Connect (binary protobuf) to opts.BaseURL.
func New(opts Options) *Client {
	httpClient := opts.HTTPClient
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	options := []connect.ClientOption{connect.WithInterceptors(&interceptor{token: opts.Token})}
	return &Client{
		Ingestion: ingestionv1connect.NewIngestionServiceClient(httpClient, opts.BaseURL, options...),
		Metadata:  metadatav1connect.NewMetadataServiceClient(httpClient, opts.BaseURL, options...),
		Search:    searchv1connect.NewSearchServiceClient(httpClient, opts.BaseURL, options...),
		Progress:  progressv1connect.NewProgressServiceClient(httpClient, opts.BaseURL, options...),
		http:      httpClient,
	}
}

// interceptor adds the token to every call and turns unary failures into *Error.
type interceptor struct{ token TokenSource }

func (i *interceptor) authorize(ctx context.Context, header http.Header) error {
	if i.token == nil {
		return nil
	}
	token, err := i.token(ctx)
	if err != nil {
		return err
	}
	if token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	return nil
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, request connect.AnyRequest) (connect.AnyResponse, error) {
		if err := i.authorize(ctx, request.Header()); err != nil {
			return nil, err
		}
		response, err := next(ctx, request)
		return response, wrapError(err)
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		// The header is sent with the first message, so setting it here is in time.
		_ = i.authorize(ctx, conn.RequestHeader())
		return conn
	}
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}
