"""The bases every model shares: request and response Structs, open str enums.

Request Structs default every optional field to :data:`msgspec.UNSET`
("not given"), which is never encoded: only the fields a caller set go on the
wire, and ``None`` is sent as ``null`` (the API clears the field). They refuse
keys they do not know.

Response Structs ignore fields they do not know, so a growing API does not
break old clients, and their enum fields stay open: a value added to the API
after this release decodes as a plain ``str``.

Names follow the API's schema, without its ``RequestModel``/``ResponseModel``
suffixes.
"""

from __future__ import annotations

import enum
import operator
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import msgspec

__all__ = [
    "NO_SECRETS",
    "RequestModel",
    "ResponseModel",
    "Secrets",
    "StrEnum",
    "known",
    "members",
    "secret_values",
]

SECRET_SHOWN = "***"
"""What a printer shows in place of a secret."""


class StrEnum(str, enum.Enum):
    """A str enum whose ``str()`` is its value, on every supported Python."""

    def __str__(self) -> str:
        return str(self.value)


class _Model(msgspec.Struct, kw_only=True):
    """What every model can do: turn itself into plain values or JSON."""

    def to_dict(self) -> dict[str, Any]:
        """The model as plain JSON values, as it goes on the wire: fields left
        unset are omitted, enums are their values, nested models are dicts.

        Secrets (tokens, passwords) are kept as they are: this is the wire
        form, not a way to show a request. ``repr`` masks them."""
        plain: dict[str, Any] = msgspec.to_builtins(self)
        return plain

    def to_json(self, *, indent: int = 0) -> str:
        """The model as a JSON document (``indent`` spaces per level, 0: compact).

        Like :meth:`to_dict`, it is the wire form: secrets are kept as they are."""
        encoded = msgspec.json.encode(self)
        if indent:
            encoded = msgspec.json.format(encoded, indent=indent)
        return encoded.decode()


class RequestModel(_Model, kw_only=True, forbid_unknown_fields=True):
    """Base of request Structs: unknown keys are refused, UNSET is omitted.

    A subclass names its secret fields (a token, a password) in
    ``_secret_fields``: the one registry of secrets, which every printer and
    the redaction of errors consult. ``repr``, ``str`` and rich's pretty
    printer show only the fields that are set, and each secret as ``'***'``,
    also inside a plain mapping given where a model is declared
    (``credentials={"password": ...}``). :meth:`to_dict` and :meth:`to_json`
    keep the secrets: they are the wire form.
    """

    _secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        shown = [f"{name}={value!r}" for name, value in self.__rich_repr__()]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        """The fields that are set, each secret masked: what rich shows
        (msgspec's own ``__rich_repr__`` would show every secret)."""
        plan = _plan_of(type(self))
        shown = []
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is msgspec.UNSET:
                continue
            if name in plan.secrets:
                value = SECRET_SHOWN
            elif name in plan.nested:
                value = _masked(value, plan.nested[name])
            shown.append((name, value))
        return shown


class ResponseModel(_Model, kw_only=True):
    """Base of response Structs: unknown fields are ignored when decoding."""


def members(enum_type: type[StrEnum]) -> dict[str, str]:
    """Each value of ``enum_type``, mapped to its member, for :func:`known`."""
    return {member.value: member for member in enum_type}


def known(values: dict[str, str], value: str) -> str:
    """The enum member for a value the schema lists; any other string as is.

    Response enums stay open, like the provider tag: a value added to the API
    after this release decodes as a plain str instead of failing the reply.
    Members are strs too, so the field is typed ``str``. (A dict lookup: this
    runs for every enum field of every reply.)
    """
    return values.get(value, value)


# --- the registry of secrets -------------------------------------------------------
#
# Derived from each model's ``_secret_fields`` and its declared field types, once
# per class, so that a request's secrets are found by walking only the fields
# that may hold one, and not at all when none is set: an update without trunk
# configs reads its two configs in one C call and compares them in another.


@dataclass(frozen=True)
class _Shape:
    """Where a value of a declared type may hold secrets."""

    models: tuple[type[RequestModel], ...] = ()
    """The value may be one of these models (holding secrets): a Struct or a
    mapping of its fields."""
    items: _Shape | None = None
    """The value may be a list, tuple or set of values of this shape."""
    values: _Shape | None = None
    """The value may be a mapping whose values have this shape."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where the secrets of one model are."""

    secrets: frozenset[str] = frozenset()
    """Its own secret fields."""
    nested: Mapping[str, _Shape] = field(default_factory=dict)
    """Its fields whose declared type may hold a secret."""
    keys: Mapping[str, _Shape | None] = field(default_factory=dict)
    """Both, by the key a mapping of the model uses (None: a secret)."""
    walk: tuple[tuple[str, _Shape | None], ...] = ()
    """Both, by attribute, in one tuple for the walk of a Struct (None: a secret)."""
    read: Callable[[Any], Any] | None = None
    """Reads the walked fields of a Struct at once (None: there are none)."""
    unset: Any = ()
    """What :attr:`read` gives when none of them is set."""


_PLANS: dict[type[RequestModel], _Plan] = {}
_UNSET = msgspec.UNSET
_SHAPES: dict[object, _Shape | None] = {}


def _plan_of(model: type[RequestModel]) -> _Plan:
    plan = _PLANS.get(model)
    if plan is None:
        _PLANS[model] = _Plan()  # a model that holds itself ends the walk here
        plan = _PLANS[model] = _make_plan(model)
    return plan


def _make_plan(model: type[RequestModel]) -> _Plan:
    fields = msgspec.structs.fields(model)
    unknown = model._secret_fields - {info.name for info in fields}
    if unknown:
        raise TypeError(f"{model.__name__}._secret_fields names no field: {sorted(unknown)}")
    nested: dict[str, _Shape] = {}
    keys: dict[str, _Shape | None] = {}
    for info in fields:
        if info.name in model._secret_fields:
            keys[info.encode_name] = None
            continue
        shape = _shape_of(info.type)
        if shape is not None:
            nested[info.name] = keys[info.encode_name] = shape
    walk = tuple((name, None) for name in sorted(model._secret_fields)) + tuple(nested.items())
    names = [name for name, _ in walk]
    # attrgetter reads them in one C call: a value for one name, a tuple for more.
    read = operator.attrgetter(*names) if names else None
    unset = _UNSET if len(names) == 1 else (_UNSET,) * len(names)
    return _Plan(model._secret_fields, nested, keys, walk, read, unset)


def _shape_of(declared: Any) -> _Shape | None:
    """Where a value of the ``declared`` type may hold secrets; None: nowhere."""
    try:
        return _SHAPES[declared]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument: not cached
        return _make_shape(declared)
    shape = _SHAPES[declared] = _make_shape(declared)
    return shape


def _make_shape(declared: Any) -> _Shape | None:
    origin, args = typing.get_origin(declared), typing.get_args(declared)
    if origin is typing.Annotated:
        return _shape_of(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return _merged([_shape_of(arg) for arg in args])
    if isinstance(declared, type) and issubclass(declared, RequestModel):
        plan = _plan_of(declared)
        return _Shape(models=(declared,)) if plan.secrets or plan.nested else None
    if isinstance(origin, type) and issubclass(origin, Mapping):
        inner = _shape_of(args[1]) if len(args) == 2 else None
        return None if inner is None else _Shape(values=inner)
    if origin in (list, tuple, set, frozenset):
        inner = _merged([_shape_of(arg) for arg in args if arg is not Ellipsis])
        return None if inner is None else _Shape(items=inner)
    return None


def _merged(shapes: list[_Shape | None]) -> _Shape | None:
    given = [shape for shape in shapes if shape is not None]
    if len(given) <= 1:
        return given[0] if given else None
    models = tuple(dict.fromkeys(model for shape in given for model in shape.models))
    items = _merged([shape.items for shape in given])
    values = _merged([shape.values for shape in given])
    return _Shape(models, items, values)


def _models_of(
    mapping: Mapping[Any, Any], models: tuple[type[RequestModel], ...]
) -> tuple[type[RequestModel], ...]:
    """The models a mapping may be: the one its tag names, else every one."""
    if len(models) > 1:
        for model in models:
            config = model.__struct_config__
            if config.tag_field is not None and mapping.get(config.tag_field) == config.tag:
                return (model,)
    return models


def _masked(value: Any, shape: _Shape) -> Any:
    """``value`` as a printer may show it: each secret in a mapping replaced by
    ``***`` (a Struct masks its own)."""
    if isinstance(value, Mapping):
        shown = dict(value)
        for model in _models_of(value, shape.models):
            for key, inner in _plan_of(model).keys.items():
                if key in shown:
                    shown[key] = SECRET_SHOWN if inner is None else _masked(shown[key], inner)
        if shape.values is not None:
            shown = {key: _masked(item, shape.values) for key, item in shown.items()}
        return shown
    if shape.items is not None and isinstance(value, list | tuple):
        return type(value)(_masked(item, shape.items) for item in value)
    return value


class Secrets(tuple[str, ...]):
    """Secret values: a tuple of str whose ``repr`` never shows them, so that
    a request, an item or a client carrying them shows none."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secrets(<hidden>)"


NO_SECRETS = Secrets()


def secret_values(value: object, declared: Any) -> Secrets:
    """The secrets in ``value``, read as the ``declared`` type: a model, or a
    union of models told apart by their tag; nested models may be Structs or
    plain mappings. Fields that cannot hold a secret are never read.

    Called where a body is encoded: the result rides on the request
    (``APIRequest.secrets``), and the send path redacts them from every
    error of it.

    Args:
        value: a request, as a Struct or a mapping of its fields.
        declared: the type ``value`` is validated against.
    """
    plan = _PLANS.get(type(value))  # type: ignore[arg-type]  # a Struct walked before
    if plan is None:
        return _secrets_of_first(value, declared)
    read = plan.read
    if read is None or read(value) == plan.unset:
        return NO_SECRETS
    found: list[str] = []
    _collect_struct(value, plan, found)
    return Secrets(found) if found else NO_SECRETS


def _secrets_of_first(value: object, declared: Any) -> Secrets:
    """:func:`secret_values` of a mapping, or of a Struct whose class has no plan yet."""
    found: list[str] = []
    if isinstance(value, RequestModel):
        _collect_struct(value, _plan_of(type(value)), found)
    else:
        shape = _shape_of(declared)
        if shape is not None:
            _collect(value, shape, found)
    return Secrets(found) if found else NO_SECRETS


def _collect(value: Any, shape: _Shape, found: list[str]) -> None:
    if isinstance(value, RequestModel):
        _collect_struct(value, _plan_of(type(value)), found)
    elif isinstance(value, Mapping):
        for model in _models_of(value, shape.models):
            for key, inner in _plan_of(model).keys.items():
                item = value.get(key)
                if inner is None:
                    if isinstance(item, str) and item:
                        found.append(item)
                elif item is not None and item is not _UNSET:
                    _collect(item, inner, found)
        if shape.values is not None:
            for item in value.values():
                _collect(item, shape.values, found)
    elif shape.items is not None and isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _collect(item, shape.items, found)


def _collect_struct(value: Any, plan: _Plan, found: list[str]) -> None:
    for name, shape in plan.walk:
        item = getattr(value, name)
        if item is _UNSET or item is None:
            continue
        if shape is not None:
            _collect(item, shape, found)
        elif isinstance(item, str) and item:
            found.append(item)
