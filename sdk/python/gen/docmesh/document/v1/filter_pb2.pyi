import datetime

from buf.validate import validate_pb2 as _validate_pb2
from docmesh.document.v1 import document_pb2 as _document_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DocumentFilter(_message.Message):
    __slots__ = ("categories", "statuses", "batch", "create_time_after", "create_time_before", "document_date_from", "document_date_to", "total_amount_min", "total_amount_max", "currency")
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_BEFORE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_DATE_FROM_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_DATE_TO_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_MIN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_MAX_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.RepeatedScalarFieldContainer[_document_pb2.Category]
    statuses: _containers.RepeatedScalarFieldContainer[_document_pb2.DocumentStatus]
    batch: str
    create_time_after: _timestamp_pb2.Timestamp
    create_time_before: _timestamp_pb2.Timestamp
    document_date_from: str
    document_date_to: str
    total_amount_min: float
    total_amount_max: float
    currency: str
    def __init__(self, categories: _Optional[_Iterable[_Union[_document_pb2.Category, str]]] = ..., statuses: _Optional[_Iterable[_Union[_document_pb2.DocumentStatus, str]]] = ..., batch: _Optional[str] = ..., create_time_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., document_date_from: _Optional[str] = ..., document_date_to: _Optional[str] = ..., total_amount_min: _Optional[float] = ..., total_amount_max: _Optional[float] = ..., currency: _Optional[str] = ...) -> None: ...
