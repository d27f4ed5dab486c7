import datetime

from buf.validate import validate_pb2 as _validate_pb2
from docmesh.document.v1 import document_pb2 as _document_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UploadDocumentRequest(_message.Message):
    __slots__ = ("file_name", "content", "declared_media_type", "batch", "correlation_id")
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DECLARED_MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    content: bytes
    declared_media_type: str
    batch: str
    correlation_id: str
    def __init__(self, file_name: _Optional[str] = ..., content: _Optional[bytes] = ..., declared_media_type: _Optional[str] = ..., batch: _Optional[str] = ..., correlation_id: _Optional[str] = ...) -> None: ...

class UploadDocumentResponse(_message.Message):
    __slots__ = ("document", "duplicate")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    duplicate: bool
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., duplicate: bool = ...) -> None: ...

class CreateUploadRequest(_message.Message):
    __slots__ = ("file_name", "size_bytes", "sha256", "declared_media_type", "batch", "correlation_id")
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    DECLARED_MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    size_bytes: int
    sha256: str
    declared_media_type: str
    batch: str
    correlation_id: str
    def __init__(self, file_name: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., declared_media_type: _Optional[str] = ..., batch: _Optional[str] = ..., correlation_id: _Optional[str] = ...) -> None: ...

class CreateUploadResponse(_message.Message):
    __slots__ = ("name", "upload_url", "expire_time", "existing_document")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXISTING_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    upload_url: str
    expire_time: _timestamp_pb2.Timestamp
    existing_document: _document_pb2.Document
    def __init__(self, name: _Optional[str] = ..., upload_url: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., existing_document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ...) -> None: ...

class CompleteUploadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CompleteUploadResponse(_message.Message):
    __slots__ = ("document", "duplicate")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    duplicate: bool
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., duplicate: bool = ...) -> None: ...

class CreateBatchRequest(_message.Message):
    __slots__ = ("display_name", "correlation_id")
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    correlation_id: str
    def __init__(self, display_name: _Optional[str] = ..., correlation_id: _Optional[str] = ...) -> None: ...

class CreateBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: _document_pb2.Batch
    def __init__(self, batch: _Optional[_Union[_document_pb2.Batch, _Mapping]] = ...) -> None: ...

class GetBatchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: _document_pb2.Batch
    def __init__(self, batch: _Optional[_Union[_document_pb2.Batch, _Mapping]] = ...) -> None: ...
