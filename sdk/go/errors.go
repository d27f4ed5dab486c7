package docmesh

import (
	"errors"

	"connectrpc.com/connect"
	"docmesh.local/sdk/go/gen/buf/validate"
)

// Sentinel errors, one per code a caller usually branches on: errors.Is(err, docmesh.ErrNotFound).
var (
	ErrInvalidArgument    = errors.New("invalid argument")
	ErrNotFound           = errors.New("not found")
	ErrFailedPrecondition = errors.New("failed precondition")
	ErrUnauthenticated    = errors.New("unauthenticated")
	ErrPermissionDenied   = errors.New("permission denied")
	ErrResourceExhausted  = errors.New("resource exhausted")
	ErrUnavailable        = errors.New("unavailable")
)

var sentinels = map[connect.Code]error{
	connect.CodeInvalidArgument:    ErrInvalidArgument,
	connect.CodeNotFound:           ErrNotFound,
	connect.CodeFailedPrecondition: ErrFailedPrecondition,
	connect.CodeUnauthenticated:    ErrUnauthenticated,
	connect.CodePermissionDenied:   ErrPermissionDenied,
	connect.CodeResourceExhausted:  ErrResourceExhausted,
	connect.CodeUnavailable:        ErrUnavailable,
}

// Error is what every call returns on failure: the Connect code and message, and for
// INVALID_ARGUMENT the fields that broke the contract's validation rules.
type Error struct {
	Code       connect.Code
	Message    string
	Violations []*validate.Violation
	cause      *connect.Error
}

func (e *Error) Error() string { return e.Code.String() + ": " + e.Message }

// Unwrap exposes the Connect error (metadata, details).
func (e *Error) Unwrap() error { return e.cause }

// Is matches the sentinel of the error's code.
func (e *Error) Is(target error) bool { return sentinels[e.Code] == target }

// Retryable says whether the same call may succeed later.
func (e *Error) Retryable() bool {
	switch e.Code {
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded, connect.CodeAborted, connect.CodeUnknown, connect.CodeInternal:
		return true
	}
	return false
}

func wrapError(err error) error {
	if err == nil {
		return nil
	}
	var typed *Error
	if errors.As(err, &typed) {
		return err
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		ce = connect.NewError(connect.CodeOf(err), err)
	}
	out := &Error{Code: ce.Code(), Message: ce.Message(), cause: ce}
	for _, detail := range ce.Details() {
		if value, decodeErr := detail.Value(); decodeErr == nil {
			if violations, ok := value.(*validate.Violations); ok {
				out.Violations = append(out.Violations, violations.GetViolations()...)
			}
		}
	}
	return out
}
