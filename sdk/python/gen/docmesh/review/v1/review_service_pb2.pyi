import datetime

from buf.validate import validate_pb2 as _validate_pb2
from docmesh.document.v1 import document_pb2 as _document_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReviewTask(_message.Message):
    __slots__ = ("name", "document", "reasons", "enqueue_time", "claim")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    ENQUEUE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    name: str
    document: _document_pb2.Document
    reasons: _containers.RepeatedCompositeFieldContainer[_document_pb2.ReviewReason]
    enqueue_time: _timestamp_pb2.Timestamp
    claim: ReviewClaim
    def __init__(self, name: _Optional[str] = ..., document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[_document_pb2.ReviewReason, _Mapping]]] = ..., enqueue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., claim: _Optional[_Union[ReviewClaim, _Mapping]] = ...) -> None: ...

class ReviewClaim(_message.Message):
    __slots__ = ("reviewer", "claim_time", "expire_time")
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    CLAIM_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    reviewer: str
    claim_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, reviewer: _Optional[str] = ..., claim_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListReviewTasksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "reasons", "categories", "batch", "min_age", "include_claimed", "order_by", "reason_field")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    MIN_AGE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_CLAIMED_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    reasons: _containers.RepeatedScalarFieldContainer[_document_pb2.ReviewReasonCode]
    categories: _containers.RepeatedScalarFieldContainer[_document_pb2.Category]
    batch: str
    min_age: _duration_pb2.Duration
    include_claimed: bool
    order_by: str
    reason_field: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[_document_pb2.ReviewReasonCode, str]]] = ..., categories: _Optional[_Iterable[_Union[_document_pb2.Category, str]]] = ..., batch: _Optional[str] = ..., min_age: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., include_claimed: bool = ..., order_by: _Optional[str] = ..., reason_field: _Optional[str] = ...) -> None: ...

class ListReviewTasksResponse(_message.Message):
    __slots__ = ("review_tasks", "next_page_token", "total_size")
    REVIEW_TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    review_tasks: _containers.RepeatedCompositeFieldContainer[ReviewTask]
    next_page_token: str
    total_size: int
    def __init__(self, review_tasks: _Optional[_Iterable[_Union[ReviewTask, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ClaimReviewTaskRequest(_message.Message):
    __slots__ = ("name", "lease_duration")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEASE_DURATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    lease_duration: _duration_pb2.Duration
    def __init__(self, name: _Optional[str] = ..., lease_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ClaimReviewTaskResponse(_message.Message):
    __slots__ = ("review_task",)
    REVIEW_TASK_FIELD_NUMBER: _ClassVar[int]
    review_task: ReviewTask
    def __init__(self, review_task: _Optional[_Union[ReviewTask, _Mapping]] = ...) -> None: ...

class RenewReviewClaimRequest(_message.Message):
    __slots__ = ("name", "lease_duration")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEASE_DURATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    lease_duration: _duration_pb2.Duration
    def __init__(self, name: _Optional[str] = ..., lease_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class RenewReviewClaimResponse(_message.Message):
    __slots__ = ("review_task",)
    REVIEW_TASK_FIELD_NUMBER: _ClassVar[int]
    review_task: ReviewTask
    def __init__(self, review_task: _Optional[_Union[ReviewTask, _Mapping]] = ...) -> None: ...

class ReleaseReviewTaskRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ReleaseReviewTaskResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CompleteReviewTaskRequest(_message.Message):
    __slots__ = ("name", "etag", "category", "fields", "update_mask", "keep_in_review", "comment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    KEEP_IN_REVIEW_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    category: _document_pb2.Category
    fields: _document_pb2.ExtractedFields
    update_mask: _field_mask_pb2.FieldMask
    keep_in_review: bool
    comment: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., category: _Optional[_Union[_document_pb2.Category, str]] = ..., fields: _Optional[_Union[_document_pb2.ExtractedFields, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., keep_in_review: bool = ..., comment: _Optional[str] = ...) -> None: ...

class CompleteReviewTaskResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _document_pb2.Document
    def __init__(self, document: _Optional[_Union[_document_pb2.Document, _Mapping]] = ...) -> None: ...

class GetReviewStatsRequest(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: int
    def __init__(self, days: _Optional[int] = ...) -> None: ...

class ReviewerDayCount(_message.Message):
    __slots__ = ("reviewer", "day", "completed")
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    reviewer: str
    day: str
    completed: int
    def __init__(self, reviewer: _Optional[str] = ..., day: _Optional[str] = ..., completed: _Optional[int] = ...) -> None: ...

class GetReviewStatsResponse(_message.Message):
    __slots__ = ("queue_depth", "claimed", "age_p50", "age_p95", "oldest_age", "completed")
    QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_FIELD_NUMBER: _ClassVar[int]
    AGE_P50_FIELD_NUMBER: _ClassVar[int]
    AGE_P95_FIELD_NUMBER: _ClassVar[int]
    OLDEST_AGE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    queue_depth: int
    claimed: int
    age_p50: _duration_pb2.Duration
    age_p95: _duration_pb2.Duration
    oldest_age: _duration_pb2.Duration
    completed: _containers.RepeatedCompositeFieldContainer[ReviewerDayCount]
    def __init__(self, queue_depth: _Optional[int] = ..., claimed: _Optional[int] = ..., age_p50: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., age_p95: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., oldest_age: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., completed: _Optional[_Iterable[_Union[ReviewerDayCount, _Mapping]]] = ...) -> None: ...

class ExportGoldenSetRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "complete_time_after", "include_accepted")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_AFTER_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    complete_time_after: _timestamp_pb2.Timestamp
    include_accepted: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., complete_time_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., include_accepted: bool = ...) -> None: ...

class ExportGoldenSetResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedScalarFieldContainer[str]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[str]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
