import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReviewReasonCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_REASON_CODE_UNSPECIFIED: _ClassVar[ReviewReasonCode]
    REVIEW_REASON_CODE_LOW_CONFIDENCE: _ClassVar[ReviewReasonCode]
    REVIEW_REASON_CODE_MISSING: _ClassVar[ReviewReasonCode]

class DocumentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_STATUS_UNSPECIFIED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_UPLOADED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_CLASSIFYING: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_EXTRACTING: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_INDEXING: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_INDEXED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_NEEDS_REVIEW: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_PARTIAL: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_FAILED: _ClassVar[DocumentStatus]

class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CATEGORY_UNSPECIFIED: _ClassVar[Category]
    CATEGORY_INVOICE: _ClassVar[Category]
    CATEGORY_RECEIPT: _ClassVar[Category]
    CATEGORY_CONTRACT: _ClassVar[Category]
    CATEGORY_REPORT: _ClassVar[Category]
    CATEGORY_OTHER: _ClassVar[Category]

class Stage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAGE_UNSPECIFIED: _ClassVar[Stage]
    STAGE_INGEST: _ClassVar[Stage]
    STAGE_CLASSIFY: _ClassVar[Stage]
    STAGE_EXTRACT: _ClassVar[Stage]
    STAGE_INDEX: _ClassVar[Stage]
REVIEW_REASON_CODE_UNSPECIFIED: ReviewReasonCode
REVIEW_REASON_CODE_LOW_CONFIDENCE: ReviewReasonCode
REVIEW_REASON_CODE_MISSING: ReviewReasonCode
DOCUMENT_STATUS_UNSPECIFIED: DocumentStatus
DOCUMENT_STATUS_UPLOADED: DocumentStatus
DOCUMENT_STATUS_CLASSIFYING: DocumentStatus
DOCUMENT_STATUS_EXTRACTING: DocumentStatus
DOCUMENT_STATUS_INDEXING: DocumentStatus
DOCUMENT_STATUS_INDEXED: DocumentStatus
DOCUMENT_STATUS_NEEDS_REVIEW: DocumentStatus
DOCUMENT_STATUS_PARTIAL: DocumentStatus
DOCUMENT_STATUS_FAILED: DocumentStatus
CATEGORY_UNSPECIFIED: Category
CATEGORY_INVOICE: Category
CATEGORY_RECEIPT: Category
CATEGORY_CONTRACT: Category
CATEGORY_REPORT: Category
CATEGORY_OTHER: Category
STAGE_UNSPECIFIED: Stage
STAGE_INGEST: Stage
STAGE_CLASSIFY: Stage
STAGE_EXTRACT: Stage
STAGE_INDEX: Stage

class Document(_message.Message):
    __slots__ = ("name", "tenant", "file_name", "media_type", "size_bytes", "sha256", "batch", "correlation_id", "status", "category", "category_confidence", "fields", "missing_fields", "failure_reason", "stage_timings", "page_count", "language", "sequence", "create_time", "update_time", "updated_by", "etag", "review_reasons")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELDS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    STAGE_TIMINGS_FIELD_NUMBER: _ClassVar[int]
    PAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REASONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    tenant: str
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    batch: str
    correlation_id: str
    status: DocumentStatus
    category: Category
    category_confidence: float
    fields: ExtractedFields
    missing_fields: _containers.RepeatedScalarFieldContainer[str]
    failure_reason: str
    stage_timings: _containers.RepeatedCompositeFieldContainer[StageTiming]
    page_count: int
    language: str
    sequence: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    updated_by: str
    etag: str
    review_reasons: _containers.RepeatedCompositeFieldContainer[ReviewReason]
    def __init__(self, name: _Optional[str] = ..., tenant: _Optional[str] = ..., file_name: _Optional[str] = ..., media_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., batch: _Optional[str] = ..., correlation_id: _Optional[str] = ..., status: _Optional[_Union[DocumentStatus, str]] = ..., category: _Optional[_Union[Category, str]] = ..., category_confidence: _Optional[float] = ..., fields: _Optional[_Union[ExtractedFields, _Mapping]] = ..., missing_fields: _Optional[_Iterable[str]] = ..., failure_reason: _Optional[str] = ..., stage_timings: _Optional[_Iterable[_Union[StageTiming, _Mapping]]] = ..., page_count: _Optional[int] = ..., language: _Optional[str] = ..., sequence: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_by: _Optional[str] = ..., etag: _Optional[str] = ..., review_reasons: _Optional[_Iterable[_Union[ReviewReason, _Mapping]]] = ...) -> None: ...

class ReviewReason(_message.Message):
    __slots__ = ("field", "code", "confidence")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    field: str
    code: ReviewReasonCode
    confidence: float
    def __init__(self, field: _Optional[str] = ..., code: _Optional[_Union[ReviewReasonCode, str]] = ..., confidence: _Optional[float] = ...) -> None: ...

class Grounding(_message.Message):
    __slots__ = ("page", "bounding_box", "text")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    BOUNDING_BOX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    page: int
    bounding_box: BoundingBox
    text: str
    def __init__(self, page: _Optional[int] = ..., bounding_box: _Optional[_Union[BoundingBox, _Mapping]] = ..., text: _Optional[str] = ...) -> None: ...

class BoundingBox(_message.Message):
    __slots__ = ("x", "y", "width", "height")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    width: float
    height: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., width: _Optional[float] = ..., height: _Optional[float] = ...) -> None: ...

class StageTiming(_message.Message):
    __slots__ = ("stage", "start_time", "duration", "attempt")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    stage: Stage
    start_time: _timestamp_pb2.Timestamp
    duration: _duration_pb2.Duration
    attempt: int
    def __init__(self, stage: _Optional[_Union[Stage, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., attempt: _Optional[int] = ...) -> None: ...

class TextField(_message.Message):
    __slots__ = ("value", "confidence", "grounding")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    GROUNDING_FIELD_NUMBER: _ClassVar[int]
    value: str
    confidence: float
    grounding: Grounding
    def __init__(self, value: _Optional[str] = ..., confidence: _Optional[float] = ..., grounding: _Optional[_Union[Grounding, _Mapping]] = ...) -> None: ...

class AmountField(_message.Message):
    __slots__ = ("value", "confidence", "grounding")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    GROUNDING_FIELD_NUMBER: _ClassVar[int]
    value: float
    confidence: float
    grounding: Grounding
    def __init__(self, value: _Optional[float] = ..., confidence: _Optional[float] = ..., grounding: _Optional[_Union[Grounding, _Mapping]] = ...) -> None: ...

class DateField(_message.Message):
    __slots__ = ("value", "confidence", "grounding")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    GROUNDING_FIELD_NUMBER: _ClassVar[int]
    value: str
    confidence: float
    grounding: Grounding
    def __init__(self, value: _Optional[str] = ..., confidence: _Optional[float] = ..., grounding: _Optional[_Union[Grounding, _Mapping]] = ...) -> None: ...

class TextListField(_message.Message):
    __slots__ = ("values", "confidence", "grounding")
    VALUES_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    GROUNDING_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    confidence: float
    grounding: Grounding
    def __init__(self, values: _Optional[_Iterable[str]] = ..., confidence: _Optional[float] = ..., grounding: _Optional[_Union[Grounding, _Mapping]] = ...) -> None: ...

class InvoiceFields(_message.Message):
    __slots__ = ("invoice_number", "issuer", "buyer", "date", "due_date", "net_amount", "tax_amount", "total_amount", "currency")
    INVOICE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    BUYER_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    NET_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    invoice_number: TextField
    issuer: TextField
    buyer: TextField
    date: DateField
    due_date: DateField
    net_amount: AmountField
    tax_amount: AmountField
    total_amount: AmountField
    currency: TextField
    def __init__(self, invoice_number: _Optional[_Union[TextField, _Mapping]] = ..., issuer: _Optional[_Union[TextField, _Mapping]] = ..., buyer: _Optional[_Union[TextField, _Mapping]] = ..., date: _Optional[_Union[DateField, _Mapping]] = ..., due_date: _Optional[_Union[DateField, _Mapping]] = ..., net_amount: _Optional[_Union[AmountField, _Mapping]] = ..., tax_amount: _Optional[_Union[AmountField, _Mapping]] = ..., total_amount: _Optional[_Union[AmountField, _Mapping]] = ..., currency: _Optional[_Union[TextField, _Mapping]] = ...) -> None: ...

class ReceiptFields(_message.Message):
    __slots__ = ("merchant", "date", "total_amount", "currency")
    MERCHANT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    merchant: TextField
    date: DateField
    total_amount: AmountField
    currency: TextField
    def __init__(self, merchant: _Optional[_Union[TextField, _Mapping]] = ..., date: _Optional[_Union[DateField, _Mapping]] = ..., total_amount: _Optional[_Union[AmountField, _Mapping]] = ..., currency: _Optional[_Union[TextField, _Mapping]] = ...) -> None: ...

class ContractFields(_message.Message):
    __slots__ = ("title", "parties", "agreement_date", "governing_law")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    AGREEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    GOVERNING_LAW_FIELD_NUMBER: _ClassVar[int]
    title: TextField
    parties: TextListField
    agreement_date: DateField
    governing_law: TextField
    def __init__(self, title: _Optional[_Union[TextField, _Mapping]] = ..., parties: _Optional[_Union[TextListField, _Mapping]] = ..., agreement_date: _Optional[_Union[DateField, _Mapping]] = ..., governing_law: _Optional[_Union[TextField, _Mapping]] = ...) -> None: ...

class ReportFields(_message.Message):
    __slots__ = ("title", "organization", "date")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    title: TextField
    organization: TextField
    date: DateField
    def __init__(self, title: _Optional[_Union[TextField, _Mapping]] = ..., organization: _Optional[_Union[TextField, _Mapping]] = ..., date: _Optional[_Union[DateField, _Mapping]] = ...) -> None: ...

class KeyValueField(_message.Message):
    __slots__ = ("key", "value", "confidence", "grounding")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    GROUNDING_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    confidence: float
    grounding: Grounding
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ..., confidence: _Optional[float] = ..., grounding: _Optional[_Union[Grounding, _Mapping]] = ...) -> None: ...

class ExtractedFields(_message.Message):
    __slots__ = ("invoice", "receipt", "contract", "report", "extra")
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELD_NUMBER: _ClassVar[int]
    invoice: InvoiceFields
    receipt: ReceiptFields
    contract: ContractFields
    report: ReportFields
    extra: _containers.RepeatedCompositeFieldContainer[KeyValueField]
    def __init__(self, invoice: _Optional[_Union[InvoiceFields, _Mapping]] = ..., receipt: _Optional[_Union[ReceiptFields, _Mapping]] = ..., contract: _Optional[_Union[ContractFields, _Mapping]] = ..., report: _Optional[_Union[ReportFields, _Mapping]] = ..., extra: _Optional[_Iterable[_Union[KeyValueField, _Mapping]]] = ...) -> None: ...

class Batch(_message.Message):
    __slots__ = ("name", "tenant", "display_name", "correlation_id", "document_count", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    tenant: str
    display_name: str
    correlation_id: str
    document_count: int
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., tenant: _Optional[str] = ..., display_name: _Optional[str] = ..., correlation_id: _Optional[str] = ..., document_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
