import datetime

from buf.validate import validate_pb2 as _validate_pb2
from docmesh.document.v1 import document_pb2 as _document_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WatchDocumentRequest(_message.Message):
    __slots__ = ("name", "after_sequence")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    after_sequence: int
    def __init__(self, name: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class ProgressUpdate(_message.Message):
    __slots__ = ("document", "sequence", "status", "stage", "category", "category_confidence", "failure_reason", "event_time", "terminal", "batch")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    TERMINAL_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    document: str
    sequence: int
    status: _document_pb2.DocumentStatus
    stage: _document_pb2.Stage
    category: _document_pb2.Category
    category_confidence: float
    failure_reason: str
    event_time: _timestamp_pb2.Timestamp
    terminal: bool
    batch: str
    def __init__(self, document: _Optional[str] = ..., sequence: _Optional[int] = ..., status: _Optional[_Union[_document_pb2.DocumentStatus, str]] = ..., stage: _Optional[_Union[_document_pb2.Stage, str]] = ..., category: _Optional[_Union[_document_pb2.Category, str]] = ..., category_confidence: _Optional[float] = ..., failure_reason: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., terminal: bool = ..., batch: _Optional[str] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("time",)
    TIME_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WatchDocumentResponse(_message.Message):
    __slots__ = ("update", "heartbeat")
    UPDATE_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    update: ProgressUpdate
    heartbeat: Heartbeat
    def __init__(self, update: _Optional[_Union[ProgressUpdate, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...

class DocumentCursor(_message.Message):
    __slots__ = ("document", "after_sequence")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    document: str
    after_sequence: int
    def __init__(self, document: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class WatchBatchRequest(_message.Message):
    __slots__ = ("name", "cursors")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURSORS_FIELD_NUMBER: _ClassVar[int]
    name: str
    cursors: _containers.RepeatedCompositeFieldContainer[DocumentCursor]
    def __init__(self, name: _Optional[str] = ..., cursors: _Optional[_Iterable[_Union[DocumentCursor, _Mapping]]] = ...) -> None: ...

class StatusCount(_message.Message):
    __slots__ = ("status", "count")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    status: _document_pb2.DocumentStatus
    count: int
    def __init__(self, status: _Optional[_Union[_document_pb2.DocumentStatus, str]] = ..., count: _Optional[int] = ...) -> None: ...

class BatchSummary(_message.Message):
    __slots__ = ("batch", "total_documents", "terminal_documents", "by_status", "estimated_time_remaining")
    BATCH_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    TERMINAL_DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    BY_STATUS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_TIME_REMAINING_FIELD_NUMBER: _ClassVar[int]
    batch: str
    total_documents: int
    terminal_documents: int
    by_status: _containers.RepeatedCompositeFieldContainer[StatusCount]
    estimated_time_remaining: _duration_pb2.Duration
    def __init__(self, batch: _Optional[str] = ..., total_documents: _Optional[int] = ..., terminal_documents: _Optional[int] = ..., by_status: _Optional[_Iterable[_Union[StatusCount, _Mapping]]] = ..., estimated_time_remaining: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class WatchBatchResponse(_message.Message):
    __slots__ = ("update", "summary", "heartbeat")
    UPDATE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    update: ProgressUpdate
    summary: BatchSummary
    heartbeat: Heartbeat
    def __init__(self, update: _Optional[_Union[ProgressUpdate, _Mapping]] = ..., summary: _Optional[_Union[BatchSummary, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...
