import datetime

from docmesh.document.v1 import document_pb2 as _document_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DocumentEvent(_message.Message):
    __slots__ = ("event_id", "document_id", "tenant", "correlation_id", "sequence", "event_time", "batch", "status", "uploaded", "stage_started", "classified", "extracted", "indexed", "failed", "updated", "deleted", "reprocess_requested", "reviewed")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_FIELD_NUMBER: _ClassVar[int]
    STAGE_STARTED_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIED_FIELD_NUMBER: _ClassVar[int]
    EXTRACTED_FIELD_NUMBER: _ClassVar[int]
    INDEXED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    REPROCESS_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    document_id: str
    tenant: str
    correlation_id: str
    sequence: int
    event_time: _timestamp_pb2.Timestamp
    batch: str
    status: _document_pb2.DocumentStatus
    uploaded: DocumentUploaded
    stage_started: StageStarted
    classified: DocumentClassified
    extracted: DocumentExtracted
    indexed: DocumentIndexed
    failed: DocumentFailed
    updated: DocumentUpdated
    deleted: DocumentDeleted
    reprocess_requested: ReprocessRequested
    reviewed: DocumentReviewed
    def __init__(self, event_id: _Optional[str] = ..., document_id: _Optional[str] = ..., tenant: _Optional[str] = ..., correlation_id: _Optional[str] = ..., sequence: _Optional[int] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., batch: _Optional[str] = ..., status: _Optional[_Union[_document_pb2.DocumentStatus, str]] = ..., uploaded: _Optional[_Union[DocumentUploaded, _Mapping]] = ..., stage_started: _Optional[_Union[StageStarted, _Mapping]] = ..., classified: _Optional[_Union[DocumentClassified, _Mapping]] = ..., extracted: _Optional[_Union[DocumentExtracted, _Mapping]] = ..., indexed: _Optional[_Union[DocumentIndexed, _Mapping]] = ..., failed: _Optional[_Union[DocumentFailed, _Mapping]] = ..., updated: _Optional[_Union[DocumentUpdated, _Mapping]] = ..., deleted: _Optional[_Union[DocumentDeleted, _Mapping]] = ..., reprocess_requested: _Optional[_Union[ReprocessRequested, _Mapping]] = ..., reviewed: _Optional[_Union[DocumentReviewed, _Mapping]] = ...) -> None: ...

class DocumentUploaded(_message.Message):
    __slots__ = ("file_name", "media_type", "size_bytes", "sha256", "object_key")
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    OBJECT_KEY_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    object_key: str
    def __init__(self, file_name: _Optional[str] = ..., media_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., object_key: _Optional[str] = ...) -> None: ...

class StageStarted(_message.Message):
    __slots__ = ("stage", "attempt")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    stage: _document_pb2.Stage
    attempt: int
    def __init__(self, stage: _Optional[_Union[_document_pb2.Stage, str]] = ..., attempt: _Optional[int] = ...) -> None: ...

class DocumentClassified(_message.Message):
    __slots__ = ("category", "confidence", "page_count", "language", "duration")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    category: _document_pb2.Category
    confidence: float
    page_count: int
    language: str
    duration: _duration_pb2.Duration
    def __init__(self, category: _Optional[_Union[_document_pb2.Category, str]] = ..., confidence: _Optional[float] = ..., page_count: _Optional[int] = ..., language: _Optional[str] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class DocumentExtracted(_message.Message):
    __slots__ = ("fields", "missing_fields", "min_confidence", "duration")
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELDS_FIELD_NUMBER: _ClassVar[int]
    MIN_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    fields: _document_pb2.ExtractedFields
    missing_fields: _containers.RepeatedScalarFieldContainer[str]
    min_confidence: float
    duration: _duration_pb2.Duration
    def __init__(self, fields: _Optional[_Union[_document_pb2.ExtractedFields, _Mapping]] = ..., missing_fields: _Optional[_Iterable[str]] = ..., min_confidence: _Optional[float] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class DocumentIndexed(_message.Message):
    __slots__ = ("chunk_count", "duration")
    CHUNK_COUNT_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    chunk_count: int
    duration: _duration_pb2.Duration
    def __init__(self, chunk_count: _Optional[int] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class DocumentFailed(_message.Message):
    __slots__ = ("stage", "reason", "attempts")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    stage: _document_pb2.Stage
    reason: str
    attempts: int
    def __init__(self, stage: _Optional[_Union[_document_pb2.Stage, str]] = ..., reason: _Optional[str] = ..., attempts: _Optional[int] = ...) -> None: ...

class DocumentUpdated(_message.Message):
    __slots__ = ("actor", "changed_paths", "category", "fields")
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CHANGED_PATHS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    actor: str
    changed_paths: _containers.RepeatedScalarFieldContainer[str]
    category: _document_pb2.Category
    fields: _document_pb2.ExtractedFields
    def __init__(self, actor: _Optional[str] = ..., changed_paths: _Optional[_Iterable[str]] = ..., category: _Optional[_Union[_document_pb2.Category, str]] = ..., fields: _Optional[_Union[_document_pb2.ExtractedFields, _Mapping]] = ...) -> None: ...

class DocumentDeleted(_message.Message):
    __slots__ = ("actor",)
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    actor: str
    def __init__(self, actor: _Optional[str] = ...) -> None: ...

class ReprocessRequested(_message.Message):
    __slots__ = ("actor",)
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    actor: str
    def __init__(self, actor: _Optional[str] = ...) -> None: ...

class DocumentReviewed(_message.Message):
    __slots__ = ("reviewer", "changed_paths", "category", "fields", "previous_category", "previous_fields", "kept_in_review", "comment")
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_PATHS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELDS_FIELD_NUMBER: _ClassVar[int]
    KEPT_IN_REVIEW_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    reviewer: str
    changed_paths: _containers.RepeatedScalarFieldContainer[str]
    category: _document_pb2.Category
    fields: _document_pb2.ExtractedFields
    previous_category: _document_pb2.Category
    previous_fields: _document_pb2.ExtractedFields
    kept_in_review: bool
    comment: str
    def __init__(self, reviewer: _Optional[str] = ..., changed_paths: _Optional[_Iterable[str]] = ..., category: _Optional[_Union[_document_pb2.Category, str]] = ..., fields: _Optional[_Union[_document_pb2.ExtractedFields, _Mapping]] = ..., previous_category: _Optional[_Union[_document_pb2.Category, str]] = ..., previous_fields: _Optional[_Union[_document_pb2.ExtractedFields, _Mapping]] = ..., kept_in_review: bool = ..., comment: _Optional[str] = ...) -> None: ...
