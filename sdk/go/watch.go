package docmesh

import (
	"context"
	"errors"
	"iter"
	"strings"
	"time"

	"connectrpc.com/connect"
	progressv1 "docmesh.local/sdk/go/gen/docmesh/progress/v1"
)

// Event is one update or batch summary of a watch.
type Event struct {
	Update  *progressv1.ProgressUpdate
	Summary *progressv1.BatchSummary
}

// WatchOptions tune a watch; the zero value is fine.
type WatchOptions struct {
	Cursors        map[string]int64             // resume points per document
	MaxReconnects  int                          // in a row without a message (default 10)
	IdleTimeout    time.Duration                // a silent stream is reopened (default 30 s)
	InitialBackoff time.Duration                // doubled per failed attempt up to 5 s (default 200 ms)
	OnReconnect    func(err error, attempt int) // called before each reopen
}

// Watch follows a batch (batches/{id}) or a document (documents/{id}) to its end. It remembers
// the last sequence per document and, when the stream breaks, reopens it with those cursors, so
// every update is yielded once and in order across reconnects. The cursors map is updated in place.
func (c *Client) Watch(ctx context.Context, name string, opts WatchOptions) iter.Seq2[Event, error] {
	if opts.Cursors == nil {
		opts.Cursors = map[string]int64{}
	}
	maxReconnects := opts.MaxReconnects
	if maxReconnects <= 0 {
		maxReconnects = 10
	}
	idle := opts.IdleTimeout
	if idle <= 0 {
		idle = 30 * time.Second
	}
	backoff := opts.InitialBackoff
	if backoff <= 0 {
		backoff = 200 * time.Millisecond
	}
	return func(yield func(Event, error) bool) {
		failures := 0
		for {
			done, stop, err := c.watchOnce(ctx, name, opts.Cursors, idle, &failures, yield)
			if stop || done {
				return
			}
			var typed *Error
			if ctx.Err() != nil || (errors.As(err, &typed) && !typed.Retryable() && typed.Code != connect.CodeCanceled) {
				yield(Event{}, err)
				return
			}
			failures++
			if failures > maxReconnects {
				yield(Event{}, err)
				return
			}
			if opts.OnReconnect != nil {
				opts.OnReconnect(err, failures)
			}
			wait := min(5*time.Second, backoff<<(failures-1))
			select {
			case <-ctx.Done():
				yield(Event{}, ctx.Err())
				return
			case <-time.After(wait):
			}
		}
	}
}

// watchOnce runs one stream: done when it ended normally, stop when the caller stopped iterating.
func (c *Client) watchOnce(ctx context.Context, name string, cursors map[string]int64, idle time.Duration,
	failures *int, yield func(Event, error) bool,
) (done, stop bool, err error) {
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(idle, cancel) // no message or heartbeat for too long: treat as dead
	defer timer.Stop()

	handle := func(update *progressv1.ProgressUpdate, summary *progressv1.BatchSummary) bool {
		timer.Reset(idle)
		*failures = 0
		if update != nil {
			if update.GetSequence() <= cursors[update.GetDocument()] {
				return true // already yielded before a reconnect
			}
			cursors[update.GetDocument()] = update.GetSequence()
			return yield(Event{Update: update}, nil)
		}
		if summary != nil {
			return yield(Event{Summary: summary}, nil)
		}
		return true
	}

	if strings.HasPrefix(name, "batches/") {
		request := &progressv1.WatchBatchRequest{Name: name}
		for document, after := range cursors {
			request.Cursors = append(request.Cursors, &progressv1.DocumentCursor{Document: document, AfterSequence: after})
		}
		stream, err := c.Progress.WatchBatch(streamCtx, connect.NewRequest(request))
		if err != nil {
			return false, false, wrapError(err)
		}
		defer stream.Close()
		for stream.Receive() {
			if !handle(stream.Msg().GetUpdate(), stream.Msg().GetSummary()) {
				return false, true, nil
			}
		}
		return stream.Err() == nil, false, wrapError(stream.Err())
	}
	stream, err := c.Progress.WatchDocument(streamCtx, connect.NewRequest(&progressv1.WatchDocumentRequest{
		Name: name, AfterSequence: cursors[name],
	}))
	if err != nil {
		return false, false, wrapError(err)
	}
	defer stream.Close()
	for stream.Receive() {
		if !handle(stream.Msg().GetUpdate(), nil) {
			return false, true, nil
		}
	}
	return stream.Err() == nil, false, wrapError(stream.Err())
}
