"""RDF documents: reading them from disk or a request body with errors a person can act on, and
writing files so that a reader never sees half of one.

pyoxigraph parses (it is fast and reports line and column); rdflib receives the result when a
caller needs rdflib's graph model (reasoning, validation, the reference engine).
"""

from __future__ import annotations

import bisect
import codecs
import io
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import Graph, URIRef

from graph_service.graph.rdf import formats, provenance
from graph_service.graph.rdf.namespace import bind_prefixes, is_prefix_name
from graph_service.graph.rdf.terms import to_rdflib


class RdfSyntaxError(ValueError):
    """A document that does not parse. `str()` names the document and the parser's position."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.detail = message

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Raised in a child process (building a store) and re-raised in its parent.
        return type(self), (self.source, self.detail)


class DocumentTooLarge(RdfSyntaxError):
    """A document that would grow past what its reader allows as it is read (an XML entity bomb):
    not malformed, too large."""


class UnsupportedFormat(ValueError):
    """A file extension or media type that names no RDF format the project reads."""


#: The UTF-8 byte-order mark, which Windows editors (Notepad, Excel) put before a file's text.
BOM = b"\xef\xbb\xbf"


def without_bom(data: bytes) -> bytes:
    """The document without one leading UTF-8 byte-order mark, which pyoxigraph would read as a
    character of the text (U+FEFF "is not a valid subject"); rdflib, Jena and pySHACL skip it. A
    parser's line and column are then those an editor shows, which hides the mark too. Skipped
    wherever a document is read from a user or a file (`parse_quads`, `parse_expanded`, `serve
    FILE`); SPARQL query text is not a document and is not read here."""
    return data[len(BOM):] if data.startswith(BOM) else data


def format_for_path(path: Path) -> formats.Format:
    fmt = formats.by_extension(path.suffix, formats.RDF_INPUT_KINDS)
    if fmt is None:
        raise UnsupportedFormat(
            f"{path}: unknown RDF format for extension {path.suffix!r} "
            "(use .ttl, .nt, .nq, .trig, .jsonld or .rdf)"
        )
    return fmt


def parse_quads(
    data: bytes, fmt: formats.Format, source: str = "<input>", base_iri: str | None = None,
    prefixes: dict[str, str] | None = None, *, annotations: bool = False,
) -> list[ox.Quad]:
    """Every quad of a document (triples land in the default graph). `prefixes`, when given,
    receives the document's prefix declarations (for showing its IRIs as the author wrote them).

    RDF 1.2 annotations (`{| ... |}`) come out as standard reification (`rdf:Statement`), which
    every RDF 1.1 tool here reads, unless `annotations` keeps them as the parser gives them (the
    build expands the project's own into their named graph). Any other triple term is refused
    with a message: nothing downstream (rdflib, pySHACL, the RDF/XML and JSON-LD writers) takes it."""
    if not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise UnsupportedFormat(f"{source}: {fmt.media_type} is not an RDF format")
    data = without_bom(data)
    if data[:2] == _GZIP:
        # Read as text, its first byte was "'\x1f' is not allowed": say what it is.
        raise RdfSyntaxError(source, "it is compressed (gzip): decompress it (gunzip) and send the RDF "
                                     "itself")
    if fmt.oxigraph == ox.RdfFormat.RDF_XML:
        data = _xml_as_utf8(data, source)
    xml_namespaces = _check_well_formed(data, fmt, source)
    # pyoxigraph's JSON-LD reader drops a triple whose IRI is relative when there is no base to
    # resolve it against, where the other readers refuse the document: a validation then judged
    # data it never saw. Read against a base no IRI has, such an IRI is found and refused alike.
    unresolved = _NO_BASE if base_iri is None and fmt.oxigraph == ox.RdfFormat.JSON_LD else None
    try:
        parser = ox.parse(data, format=fmt.oxigraph, base_iri=base_iri or unresolved,
                          without_named_graphs=fmt.kind == "graph")
        quads = list(parser)
        if prefixes is not None:
            # Those that are no prefix name (a JSON-LD term may be "a b") are no prefix to bind.
            found = {**xml_namespaces, **parser.prefixes}
            prefixes.update((name, iri) for name, iri in found.items() if is_prefix_name(name))
    except (SyntaxError, ValueError) as exc:  # ValueError: e.g. invalid IRIs reported by the parser
        message = _plain(str(exc))
        if fmt.oxigraph == ox.RdfFormat.RDF_XML:
            message = _placed(message, data)
        require_utf8(data, fmt, source)  # a stray byte, rather than what the parser made of it
        raise RdfSyntaxError(source, message) from None
    if unresolved is not None:
        _refuse_relative(quads, source)
    return quads if annotations else _reified(quads, source)


#: The base a JSON-LD document without one is read against (`.invalid` names nothing, RFC 2606).
_NO_BASE = "http://no-base.invalid/"


def _refuse_relative(quads: list[ox.Quad], source: str) -> None:
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_NO_BASE):
                raise RdfSyntaxError(source, f"<{term.value[len(_NO_BASE):]}> is " + _PLAIN[
                    "No scheme found in an absolute IRI"])


def require_utf8(data: bytes, fmt: formats.Format, source: str) -> None:
    """`RdfSyntaxError` placing the first byte that is not UTF-8, as an editor counts (lines, then
    characters): pyoxigraph's message named it by its index in the token it was reading ("from
    index 3", or "Unexpected byte 233" where a token began), beside the column it gave (one on, in
    JSON-LD). Only once the parser has failed: a document that parses is not copied to be
    decoded."""
    if fmt.oxigraph == ox.RdfFormat.RDF_XML:
        return  # its XML declaration names its encoding (`_xml_as_utf8`)
    problem = not_utf8(data, fmt.label)
    if problem is not None:
        raise RdfSyntaxError(source, problem) from None


def not_utf8(data: bytes, what: str) -> str | None:
    """Why `data`, read as `what` (Turtle, a SPARQL query), is not UTF-8, with where (the line and
    column of its first bad byte, as an editor counts them) and the command that converts it; None
    when it is."""
    problem = _not_8_bit_text(data, what)
    if problem is not None:
        return problem
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # UTF-8's own mark is no character of the text: columns are counted after it.
        mark = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        line, column = _position(data[mark:exc.start])
        return (f"at line {line} column {column}: the byte 0x{data[exc.start]:02X} is not UTF-8, which "
                f"{what} is read as (an export from Windows converts with iconv -f windows-1252 -t utf-8)")
    return None


def _not_8_bit_text(data: bytes, what: str) -> str | None:
    """Why `data` is not text in an encoding that writes ASCII as ASCII (UTF-8, or those an XML
    declaration may name): UTF-32 or UTF-16, with or without a byte-order mark, or no text at all."""
    # A byte-order mark says which encoding it is in (an editor's "Unicode" on Windows is UTF-16);
    # UTF-32's little-endian one begins as UTF-16's does, so it is looked for first.
    for name, marks in (("UTF-32", (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)),
                        ("UTF-16", (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        if data.startswith(marks):
            return (f"the file is {name} (it begins with {name}'s byte-order mark), and {what} is "
                    f"read as UTF-8: convert it with iconv -f {name.lower()} -t utf-8")
    # Without a mark, UTF-16 of mostly ASCII text has a zero in every other byte, which UTF-8 reads
    # as NUL characters rather than as an error.
    head = data[:64]
    for zeros, order in ((head[1::2], "le"), (head[0::2], "be")):
        if len(head) >= 8 and zeros.count(0) >= len(zeros) - 1:
            return (f"the file looks like UTF-16 without a byte-order mark (every other byte is 0), and "
                    f"{what} is read as UTF-8: convert it with iconv -f utf-16{order} -t utf-8")
    for order in ("le", "be"):
        if b"\x00" in head and _text_as(data[:4096], f"utf-16-{order}"):
            return (f"the file looks like UTF-16 without a byte-order mark, and {what} is read as UTF-8: "
                    f"convert it with iconv -f utf-16{order} -t utf-8")
    binary = not_text(data)
    return f"{binary}, not text ({what} is text)" if binary is not None else None


def _text_as(head: bytes, encoding: str) -> bool:
    """Whether `head` (a file's opening) reads as printable text in `encoding`."""
    try:
        text = head[:len(head) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\t\r\n" for c in text)


#: How a gzip stream opens (RFC 1952).
_GZIP = b"\x1f\x8b"
#: How files that are not text open, and what they are.
_MAGIC = ((_GZIP, "gzip-compressed (decompress it first: gunzip)"),
          (b"BZh", "bzip2-compressed (decompress it first: bunzip2)"),
          (b"\xfd7zXZ\x00", "xz-compressed (decompress it first: unxz)"),
          (b"\x28\xb5\x2f\xfd", "zstd-compressed (decompress it first: unzstd)"),
          (b"PK\x03\x04", "a zip archive (take the RDF file out of it)"),
          (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"\x7fELF", "a program (ELF)"))


def not_text(data: bytes) -> str | None:
    """What `data` is where it is no text at all (a compressed file, an archive, an image, a
    program: its opening bytes say which, else a NUL byte in its first 4 KB), for a message; None
    for text. The first 3 KB of /bin/ls read as Turtle were "the byte 0xD0 is not UTF-8 ... (an
    export from Windows converts with iconv ...)", and looked like TriG."""
    for magic, said in _MAGIC:
        if data.startswith(magic):
            return f"the file is {said}"
    if b"\x00" in data[:4096]:
        return "the file is binary (it holds NUL bytes)"
    return None


#: What an RDF/XML error of pyoxigraph's names as wrong: a quoted value ("error while parsing IRI
#: 'bad iri': ..."), or the value that opens it ("9bad is not a valid rdf:ID value").
_NAMED = re.compile(r"'([^'\n]{1,200})'|^(\S{1,200}) is not a valid ")


def _placed(message: str, data: bytes) -> str:
    """`message` after the line and column of what it names, where the document writes that once
    outside its comments: pyoxigraph's RDF/XML errors (0.5) say no position, its other parsers'
    do. Lines end as XML's do (CR LF, CR or LF), and as pyoxigraph counts them in Turtle."""
    named = _NAMED.search(message)
    if named is None:
        return message
    needle = (named[1] or named[2]).encode("utf-8")
    comments = _comments(data)
    starts = [start for start, _ in comments]
    found: list[int] = []
    at = data.find(needle)
    while at >= 0 and len(found) < 2:
        inside = bisect.bisect_right(starts, at) - 1
        if inside >= 0 and at < comments[inside][1]:
            at = data.find(needle, comments[inside][1])  # past the comment: linear in the document
            continue
        found.append(at)
        at = data.find(needle, at + 1)
    if len(found) != 1:
        return message
    line, column = _position(data[:found[0]])
    return f"at line {line}, column {column}: {message}"


def _position(before: bytes) -> tuple[int, int]:
    """The line and column of the character after `before`, as an editor shows them and as
    pyoxigraph counts them in Turtle: lines end as XML's do (CR LF, CR or LF), columns count
    characters."""
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    return line, len(before[line_start:].decode("utf-8", "replace")) + 1


def _comments(data: bytes) -> list[tuple[int, int]]:
    """Where an XML document's comments lie, as (start, end) offsets."""
    spans = []
    start = data.find(b"<!--")
    while start >= 0:
        end = data.find(b"-->", start + 4)
        if end < 0:
            break
        spans.append((start, end + 3))
        start = data.find(b"<!--", end + 3)
    return spans


#: expat's code for a document whose entities expand past its limit (expat 2.4 and later).
_AMPLIFICATION = expat.errors.codes.get(getattr(expat.errors, "XML_ERROR_AMPLIFICATION_LIMIT_BREACH", ""))


#: An XML declaration naming its encoding (in ASCII, as every encoding it may name but UTF-16's
#: writes it; a UTF-16 document opens with its byte-order mark, and is refused as it was).
_XML_ENCODING = re.compile(rb"""\A<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
#: The encodings read (Python's names for them): those that write ASCII as ASCII, so that the
#: declaration reads the same in bytes and in text. Python's others are not XML's (punycode,
#: utf-7, unicode_escape), and some decode in time quadratic in the document (punycode: 1 MB in
#: 13 s, declared as an upload's charset).
_ENCODINGS = re.compile(r"ascii|latin_1|iso8859-\d+|cp125\d|koi8-[ru]|mac-roman|shift_jis|euc_(?:jp|kr)"
                        r"|gb2312|gbk|gb18030|big5")


def text_encoding(name: str) -> str | None:
    """Python's name for the charset or encoding `name` (`ISO-8859-1`, `windows-1252`) that a
    document declares, where it is one this service reads (`_ENCODINGS`); None otherwise."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return canonical if _ENCODINGS.fullmatch(canonical) else None


def _xml_as_utf8(data: bytes, source: str) -> bytes:
    """RDF/XML in the encoding its declaration names (ISO-8859-1, windows-1252 ...), or in UTF-16
    by its byte-order mark (XML's way, 4.3.3), as UTF-8 with its declaration saying so: XML lets
    a document choose, pySHACL (rdflib) reads it, and pyoxigraph reads UTF-8 alone ("Only UTF-8
    is supported"; a UTF-16 document was "cannot decode input using UTF-8 ... from index 0")."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if utf16 and not data.startswith(codecs.BOM_UTF32_LE):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise RdfSyntaxError(source, f"it begins with UTF-16's byte-order mark but is not UTF-16 "
                                         f"(byte {exc.start})") from None
        # The mark decides the encoding (XML 1.0, appendix F), whatever the declaration names.
        declared = _XML_ENCODING.match(data)
        return data if declared is None else data[:declared.start(1)] + b"UTF-8" + data[declared.end(1):]
    problem = _not_8_bit_text(data, "RDF/XML")
    if problem is not None:  # no XML declaration's encoding reads it
        raise RdfSyntaxError(source, problem)
    declared = _XML_ENCODING.match(data)
    if declared is None or declared[1].lower() in (b"utf-8", b"utf8"):
        return data
    encoding = declared[1].decode("ascii")
    if text_encoding(encoding) is None:
        raise RdfSyntaxError(source, f"its XML declaration names the encoding {encoding!r}, which is "
                                     "unknown here: send it as UTF-8") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise RdfSyntaxError(source, f"it is not {encoding}, as its XML declaration says (byte "
                                     f"{exc.start}: 0x{data[exc.start]:02X})") from None
    return data[:declared.start(1)] + b"UTF-8" + text[declared.end(1):].encode("utf-8")


def _check_well_formed(data: bytes, fmt: formats.Format, source: str) -> dict[str, str]:
    """`RdfSyntaxError` for RDF/XML that is not well-formed XML. pyoxigraph 0.5 reads a document
    cut short (its elements never closed: a broken download) as if it were whole, and what was
    cut would go unread without a word; expat, which reads no external entity, says where.
    Returns the document's namespace declarations (`xmlns:ex`), its prefixes as rdflib would bind
    them, which pyoxigraph's parser does not report for RDF/XML."""
    if fmt.oxigraph != ox.RdfFormat.RDF_XML:
        return {}
    declared: dict[str, str] = {}
    external: list[tuple[str, int]] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartNamespaceDeclHandler = lambda prefix, uri: declared.setdefault(prefix or "", uri or "")

    def entity(name: str, _parameter: int, _value: str | None, _base: str | None, system: str | None,
               public: str | None, _notation: str | None) -> None:
        if system is not None or public is not None:
            external.append((name, parser.CurrentLineNumber))

    # Neither reader fetches one, but pyoxigraph's says only "<!ENTITY values should be enclosed
    # in double quotes", which sends the author looking for a quoting mistake.
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        if exc.code == _AMPLIFICATION:
            raise DocumentTooLarge(source, f"its XML entities expand past the reader's limit (line "
                                           f"{exc.lineno}): an entity that expands to many times its "
                                           "size is not read") from None
        raise RdfSyntaxError(source, f"not well-formed XML at line {exc.lineno}, column {exc.offset + 1}: "
                                     f"{expat.ErrorString(exc.code)}") from None
    except (LookupError, ValueError, UnicodeError):
        # expat's own reading of a declaration `_xml_as_utf8` did not rewrite: an unknown encoding
        # was LookupError, a multi-byte one ValueError, a 500 for the document sent.
        raise RdfSyntaxError(source, "its XML declaration names an encoding this reader cannot read: "
                                     "send it as UTF-8") from None
    if external:
        name, line = external[0]
        raise RdfSyntaxError(source, f"an external XML entity (&{name}; declared SYSTEM or PUBLIC, line "
                                     f"{line}): external entities are not read; write the text itself")
    return {prefix: uri for prefix, uri in declared.items() if uri}


#: The parser's words for what a user can mend, and what to say instead.
_PLAIN = {
    "No scheme found in an absolute IRI": (
        "a relative IRI, and no base IRI to resolve it against: write it in full, or declare a base "
        "(@base <...> in Turtle, xml:base in RDF/XML, @base in a JSON-LD context)"),
    "No LoadDocumentCallback has been set to load remote contexts": (
        "its @context names a document elsewhere, which is not fetched (nothing here reaches the "
        "network): put the context in the document itself"),
}


def _plain(message: str) -> str:
    for words, plain in _PLAIN.items():
        message = message.replace(words, plain)
    # A parser quotes the character it stopped at, a control byte of a binary file as it is.
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", message)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


#: Formats whose syntax has no named graphs (JSON-LD has; its parser refuses them for a graph).
TRIPLES_ONLY = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML)


def parse_expanded(data: bytes, fmt: formats.Format, source: str, base_iri: str | None, *,
                   whole: Callable[[bytes], object], by_line: Callable[[bytes], object],
                   each: Callable[[ox.Quad], ox.Quad] | None = None) -> None:
    """`parse_quads` of a document in a format that cannot hold named graphs (`TRIPLES_ONLY`),
    handed over as N-Triples for a bulk loader (see `provenance.expand_store`): parsed and
    expanded by an in-memory pyoxigraph store, never as Python objects (seconds at a million
    statements instead of tens), unless `each` is to be applied to every quad parsed (then the
    quads pass through Python once). The same errors."""
    if fmt.oxigraph not in TRIPLES_ONLY:
        raise UnsupportedFormat(f"{source}: {fmt.media_type} is not one of the formats without named graphs")
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    data = without_bom(data)
    _check_well_formed(data, fmt, source)
    store = ox.Store()
    try:
        # From a reader, not bytes: given bytes on four cores or more, pyoxigraph parses N-Triples
        # in pieces side by side, and names each piece's blank nodes anew (one `_:b` split in two).
        if each is None:
            store.bulk_load(io.BytesIO(data), format=fmt.oxigraph, base_iri=base_iri)
        else:
            store.bulk_extend(map(each, ox.parse(data, format=fmt.oxigraph, base_iri=base_iri)))
    except (SyntaxError, ValueError) as exc:  # ValueError: e.g. invalid IRIs reported by the parser
        require_utf8(data, fmt, source)
        raise RdfSyntaxError(source, _plain(str(exc))) from None
    try:
        provenance.expand_store(store, whole, by_line)
    except provenance.ProvenanceError as exc:
        raise RdfSyntaxError(source, f"{exc}: {exc.problems[0]}") from None
    except provenance.TripleTermError:
        raise RdfSyntaxError(source, _TRIPLE_TERMS) from None


_TRIPLE_TERMS = ("an RDF 1.2 triple term (<<( ... )>>) is not supported here; annotations ({| ... |}) are, "
                 "as standard reification")


def _reified(quads: list[ox.Quad], source: str) -> list[ox.Quad]:
    try:
        expansion = provenance.expand(quads, graph=ox.DefaultGraph(), mint=False)
    except provenance.ProvenanceError as exc:
        raise RdfSyntaxError(source, f"{exc}: {exc.problems[0]}") from None
    if expansion.triple_terms:
        raise RdfSyntaxError(source, _TRIPLE_TERMS)
    return expansion.facts + expansion.provenance


def quads_to_graph(quads: Iterable[ox.Quad], identifier: URIRef | None = None,
                   prefixes: Mapping[str, str] | None = None) -> Graph:
    """All quads as one graph (named graphs merged). `prefixes`: the prefix declarations of the
    documents they were read from (`parse_quads`), bound on the graph over the project's, as
    rdflib binds a document's @prefix lines when it parses it: pySHACL hands a data graph's
    bindings to the SPARQL constraints it runs on it."""
    g = Graph(identifier=identifier)
    bind_prefixes(g)
    for prefix, namespace in (prefixes or {}).items():
        g.bind(prefix, URIRef(namespace), override=True, replace=True)
    for q in quads:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def read_graph(path: Path, identifier: URIRef | None = None) -> Graph:
    """A file as one rdflib graph, its format chosen by extension."""
    quads = read_quads(path, annotations=True)
    return quads_to_graph(provenance.expand(quads).facts, identifier)  # per-statement sources apart


def read_quads(path: Path, prefixes: dict[str, str] | None = None, *,
               annotations: bool = False) -> list[ox.Quad]:
    """A file's quads (see `parse_quads` for `annotations`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RdfSyntaxError(str(path), exc.strerror or str(exc)) from None
    return parse_quads(data, format_for_path(path), str(path), base_iri=path.resolve().as_uri(),
                       prefixes=prefixes, annotations=annotations)


def read_apart(paths: Iterable[Path]) -> Iterator[ox.Quad]:
    """The quads of several files, their blank nodes kept apart (`keep_apart`)."""
    for number, path in enumerate(paths):
        yield from keep_apart(read_quads(Path(path)), number)


def keep_apart(quads: Iterable[ox.Quad], number: int) -> Iterator[ox.Quad]:
    """The quads of the `number`th document of several, their blank nodes labelled by that
    number and their order of first appearance. RDF merges documents, it does not unite them:
    `_:b0` of one file is not `_:b0` of another, as exporters label them alike; and every process
    that reads the same files gets the same labels (the parser's own labels of `[]` are random)."""
    labels: dict[str, ox.BlankNode] = {}
    for q in quads:
        yield ox.Quad(_apart(q.subject, labels, number), q.predicate, _apart(q.object, labels, number),
                      _apart(q.graph_name, labels, number))


def _apart(term: Any, labels: dict[str, ox.BlankNode], number: int) -> Any:
    if isinstance(term, ox.BlankNode):
        if term.value not in labels:
            labels[term.value] = ox.BlankNode(f"f{number}b{len(labels)}")
        return labels[term.value]
    if isinstance(term, ox.Triple):
        return ox.Triple(_apart(term.subject, labels, number), term.predicate,
                         _apart(term.object, labels, number))
    return term


def ensure_folder(path: Path, setting: str) -> None:
    """Make the folder `path` (and its parents) where it is missing; an OSError naming `setting`
    where a file stands in its way (the system's "File exists" or "Not a directory" said neither
    what was wrong nor which setting to change)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), path)
        what = "is a file" if blocking == path else f"lies in {blocking}, which is a file"
        raise OSError(exc.errno, f"{what}, not a folder ({setting} names a folder)", str(path)) from None


def write_atomically(target: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to `target` so that readers see the old file or the new one, never a part:
    a temporary file beside it, synced, then renamed. `mode`: public data is readable by all
    (mkstemp would leave it 0600); a file replaced keeps its own. A symbolic link stays, and the
    file it names is replaced; what is no regular file (/dev/null, /dev/stdout, a pipe) is written
    to as it is, never replaced by a file. Raises OSError naming the file."""
    named, target = str(target), Path(os.path.realpath(target))
    try:
        existing = target.stat()
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, "wb") as out:
            out.write(data)
        return
    if existing is not None:
        mode = stat.S_IMODE(existing.st_mode)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:  # it names its own random file, which the user never asked for
        raise OSError(exc.errno, exc.strerror, named) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
