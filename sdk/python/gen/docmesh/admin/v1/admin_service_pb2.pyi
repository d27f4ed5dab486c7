import datetime

from buf.validate import validate_pb2 as _validate_pb2
from docmesh.document.v1 import document_pb2 as _document_pb2
from docmesh.events.v1 import document_event_pb2 as _document_event_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeadLetterState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEAD_LETTER_STATE_UNSPECIFIED: _ClassVar[DeadLetterState]
    DEAD_LETTER_STATE_PENDING: _ClassVar[DeadLetterState]
    DEAD_LETTER_STATE_REDRIVEN: _ClassVar[DeadLetterState]

class ReplayState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPLAY_STATE_UNSPECIFIED: _ClassVar[ReplayState]
    REPLAY_STATE_RUNNING: _ClassVar[ReplayState]
    REPLAY_STATE_SUCCEEDED: _ClassVar[ReplayState]
    REPLAY_STATE_CANCELLED: _ClassVar[ReplayState]
DEAD_LETTER_STATE_UNSPECIFIED: DeadLetterState
DEAD_LETTER_STATE_PENDING: DeadLetterState
DEAD_LETTER_STATE_REDRIVEN: DeadLetterState
REPLAY_STATE_UNSPECIFIED: ReplayState
REPLAY_STATE_RUNNING: ReplayState
REPLAY_STATE_SUCCEEDED: ReplayState
REPLAY_STATE_CANCELLED: ReplayState

class DeadLetter(_message.Message):
    __slots__ = ("name", "event", "decode_error", "error", "attempts", "consumer_group", "original_topic", "original_partition", "original_offset", "dead_letter_time", "state", "redrive_time", "redriven_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    DECODE_ERROR_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_TOPIC_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_PARTITION_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_OFFSET_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTER_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REDRIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    REDRIVEN_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    event: _document_event_pb2.DocumentEvent
    decode_error: str
    error: str
    attempts: int
    consumer_group: str
    original_topic: str
    original_partition: int
    original_offset: int
    dead_letter_time: _timestamp_pb2.Timestamp
    state: DeadLetterState
    redrive_time: _timestamp_pb2.Timestamp
    redriven_by: str
    def __init__(self, name: _Optional[str] = ..., event: _Optional[_Union[_document_event_pb2.DocumentEvent, _Mapping]] = ..., decode_error: _Optional[str] = ..., error: _Optional[str] = ..., attempts: _Optional[int] = ..., consumer_group: _Optional[str] = ..., original_topic: _Optional[str] = ..., original_partition: _Optional[int] = ..., original_offset: _Optional[int] = ..., dead_letter_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[DeadLetterState, str]] = ..., redrive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., redriven_by: _Optional[str] = ...) -> None: ...

class DeadLetterFilter(_message.Message):
    __slots__ = ("tenant", "document", "consumer_group", "state", "dead_letter_time_after", "dead_letter_time_before")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTER_TIME_AFTER_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTER_TIME_BEFORE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    document: str
    consumer_group: str
    state: DeadLetterState
    dead_letter_time_after: _timestamp_pb2.Timestamp
    dead_letter_time_before: _timestamp_pb2.Timestamp
    def __init__(self, tenant: _Optional[str] = ..., document: _Optional[str] = ..., consumer_group: _Optional[str] = ..., state: _Optional[_Union[DeadLetterState, str]] = ..., dead_letter_time_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dead_letter_time_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDeadLettersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: DeadLetterFilter
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[_Union[DeadLetterFilter, _Mapping]] = ...) -> None: ...

class ListDeadLettersResponse(_message.Message):
    __slots__ = ("dead_letters", "next_page_token", "total_size")
    DEAD_LETTERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    dead_letters: _containers.RepeatedCompositeFieldContainer[DeadLetter]
    next_page_token: str
    total_size: int
    def __init__(self, dead_letters: _Optional[_Iterable[_Union[DeadLetter, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class RedriveDeadLettersRequest(_message.Message):
    __slots__ = ("names", "filter", "limit")
    NAMES_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    filter: DeadLetterFilter
    limit: int
    def __init__(self, names: _Optional[_Iterable[str]] = ..., filter: _Optional[_Union[DeadLetterFilter, _Mapping]] = ..., limit: _Optional[int] = ...) -> None: ...

class RedriveDeadLettersResponse(_message.Message):
    __slots__ = ("redriven", "already_redriven", "undecodable")
    REDRIVEN_FIELD_NUMBER: _ClassVar[int]
    ALREADY_REDRIVEN_FIELD_NUMBER: _ClassVar[int]
    UNDECODABLE_FIELD_NUMBER: _ClassVar[int]
    redriven: _containers.RepeatedScalarFieldContainer[str]
    already_redriven: _containers.RepeatedScalarFieldContainer[str]
    undecodable: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, redriven: _Optional[_Iterable[str]] = ..., already_redriven: _Optional[_Iterable[str]] = ..., undecodable: _Optional[_Iterable[str]] = ...) -> None: ...

class GetPipelineStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetPipelineStatusResponse(_message.Message):
    __slots__ = ("stages", "outbox_backlog", "outbox_oldest_time", "dead_letters_pending", "throughput_window_seconds")
    STAGES_FIELD_NUMBER: _ClassVar[int]
    OUTBOX_BACKLOG_FIELD_NUMBER: _ClassVar[int]
    OUTBOX_OLDEST_TIME_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTERS_PENDING_FIELD_NUMBER: _ClassVar[int]
    THROUGHPUT_WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    stages: _containers.RepeatedCompositeFieldContainer[StageStatus]
    outbox_backlog: int
    outbox_oldest_time: _timestamp_pb2.Timestamp
    dead_letters_pending: int
    throughput_window_seconds: int
    def __init__(self, stages: _Optional[_Iterable[_Union[StageStatus, _Mapping]]] = ..., outbox_backlog: _Optional[int] = ..., outbox_oldest_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dead_letters_pending: _Optional[int] = ..., throughput_window_seconds: _Optional[int] = ...) -> None: ...

class StageStatus(_message.Message):
    __slots__ = ("stage", "consumer_group", "backlog", "lag", "completed", "throughput_per_second", "dead_letters_pending")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    BACKLOG_FIELD_NUMBER: _ClassVar[int]
    LAG_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    THROUGHPUT_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTERS_PENDING_FIELD_NUMBER: _ClassVar[int]
    stage: _document_pb2.Stage
    consumer_group: str
    backlog: int
    lag: int
    completed: int
    throughput_per_second: float
    dead_letters_pending: int
    def __init__(self, stage: _Optional[_Union[_document_pb2.Stage, str]] = ..., consumer_group: _Optional[str] = ..., backlog: _Optional[int] = ..., lag: _Optional[int] = ..., completed: _Optional[int] = ..., throughput_per_second: _Optional[float] = ..., dead_letters_pending: _Optional[int] = ...) -> None: ...

class ReplayFilter(_message.Message):
    __slots__ = ("tenant", "batch", "statuses", "categories", "create_time_after", "create_time_before")
    TENANT_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_BEFORE_FIELD_NUMBER: _ClassVar[int]
    tenant: str
    batch: str
    statuses: _containers.RepeatedScalarFieldContainer[_document_pb2.DocumentStatus]
    categories: _containers.RepeatedScalarFieldContainer[_document_pb2.Category]
    create_time_after: _timestamp_pb2.Timestamp
    create_time_before: _timestamp_pb2.Timestamp
    def __init__(self, tenant: _Optional[str] = ..., batch: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[_document_pb2.DocumentStatus, str]]] = ..., categories: _Optional[_Iterable[_Union[_document_pb2.Category, str]]] = ..., create_time_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReplayDocumentsRequest(_message.Message):
    __slots__ = ("filter", "from_stage", "limit")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FROM_STAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    filter: ReplayFilter
    from_stage: _document_pb2.Stage
    limit: int
    def __init__(self, filter: _Optional[_Union[ReplayFilter, _Mapping]] = ..., from_stage: _Optional[_Union[_document_pb2.Stage, str]] = ..., limit: _Optional[int] = ...) -> None: ...

class ReplayDocumentsResponse(_message.Message):
    __slots__ = ("replay",)
    REPLAY_FIELD_NUMBER: _ClassVar[int]
    replay: Replay
    def __init__(self, replay: _Optional[_Union[Replay, _Mapping]] = ...) -> None: ...

class GetReplayRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetReplayResponse(_message.Message):
    __slots__ = ("replay",)
    REPLAY_FIELD_NUMBER: _ClassVar[int]
    replay: Replay
    def __init__(self, replay: _Optional[_Union[Replay, _Mapping]] = ...) -> None: ...

class CancelReplayRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CancelReplayResponse(_message.Message):
    __slots__ = ("replay",)
    REPLAY_FIELD_NUMBER: _ClassVar[int]
    replay: Replay
    def __init__(self, replay: _Optional[_Union[Replay, _Mapping]] = ...) -> None: ...

class Replay(_message.Message):
    __slots__ = ("name", "filter", "from_stage", "limit", "state", "matched", "requeued", "finished", "skipped", "created_by", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    FROM_STAGE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    REQUEUED_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    filter: ReplayFilter
    from_stage: _document_pb2.Stage
    limit: int
    state: ReplayState
    matched: int
    requeued: int
    finished: int
    skipped: int
    created_by: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., filter: _Optional[_Union[ReplayFilter, _Mapping]] = ..., from_stage: _Optional[_Union[_document_pb2.Stage, str]] = ..., limit: _Optional[int] = ..., state: _Optional[_Union[ReplayState, str]] = ..., matched: _Optional[int] = ..., requeued: _Optional[int] = ..., finished: _Optional[int] = ..., skipped: _Optional[int] = ..., created_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
