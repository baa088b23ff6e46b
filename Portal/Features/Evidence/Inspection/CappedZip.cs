using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// A zip archive read through <see cref="ArchiveLimits"/>: the entry count is read from the archive's end record before
/// anything else, every entry's declared size and compression ratio are checked, and each entry is inflated as a stream
/// that stops at the smaller of its declared size and the caps, so a lying header gains nothing. Nothing may come
/// before the first entry or after the end record.
/// </summary>
public sealed class CappedZip : IDisposable
{
    private const int EndRecordLength = 22;
    private const int MaxCommentLength = ushort.MaxValue;

    private readonly ZipArchive _archive;
    private readonly ArchiveLimits _limits;

    private CappedZip(ZipArchive archive, ArchiveLimits limits)
    {
        _archive = archive;
        _limits = limits;
    }

    /// <summary>How many bytes have been inflated from all entries so far.</summary>
    public long BytesInflated { get; private set; }

    public IReadOnlyCollection<ZipArchiveEntry> Entries => _archive.Entries;

    public ZipArchiveEntry? Entry(string name) => _archive.GetEntry(name);

    /// <summary>Opens the archive when its structure and declared sizes are within the limits; otherwise says why not.</summary>
    public static (CappedZip? Zip, string? Refusal) Open(Stream content, ArchiveLimits limits)
    {
        content.Position = 0;
        if (content.Length < EndRecordLength + 4)
        {
            return (null, "This document is not a complete archive; save it again from the program that made it.");
        }

        Span<byte> head = stackalloc byte[4];
        content.ReadExactly(head);
        if (!head.SequenceEqual("PK\u0003\u0004"u8))
        {
            return (null, "Something comes before the start of this document (it may be another program with a document attached); save the document again and upload that.");
        }

        var tailLength = (int)Math.Min(content.Length, EndRecordLength + MaxCommentLength);
        var tail = new byte[tailLength];
        content.Position = content.Length - tailLength;
        content.ReadExactly(tail);
        var end = tail.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        if (end < 0 || end + EndRecordLength > tailLength)
        {
            return (null, "This document is not a complete archive; save it again from the program that made it.");
        }

        var record = tail.AsSpan(end, EndRecordLength);
        var entryCount = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        var directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(record[20..]);
        if (end + EndRecordLength + commentLength != tailLength)
        {
            return (null, "This document has other data after its end (it may hide another file); save it again from the program that made it.");
        }

        if (entryCount == ushort.MaxValue || directoryOffset == uint.MaxValue)
        {
            return (null, "This document uses the ZIP64 large-archive format, which a document of this size never needs; save it again from the program that made it.");
        }

        if (entryCount > limits.MaxEntries)
        {
            return (null, $"This document holds {entryCount} parts; the portal opens documents of at most {limits.MaxEntries}. Save it again, or split it.");
        }

        ZipArchive archive;
        try
        {
            content.Position = 0;
            archive = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return (null, "This document is damaged (its archive cannot be read); save it again from the program that made it.");
        }

        var zip = new CappedZip(archive, limits);
        var refusal = zip.CheckEntries();
        if (refusal is not null)
        {
            zip.Dispose();
            return (null, refusal);
        }

        return (zip, null);
    }

    /// <summary>The entry's content as a stream that throws <see cref="ArchiveLimitException"/> past its cap.</summary>
    public Stream Open(ZipArchiveEntry entry) => new CappedEntryStream(entry.Open(), this, Math.Min(entry.Length, _limits.MaxEntryBytes));

    /// <summary>The entry as XML read forward through the caps, with no DTD (so no entity expansion) and no outside resolution.</summary>
    public XmlReader OpenXml(ZipArchiveEntry entry) => XmlReader.Create(Open(entry), XmlSettings);

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    };

    /// <summary>At most <paramref name="maxBytes"/> bytes of the entry, for short entries such as an ODF "mimetype".</summary>
    public byte[] ReadStart(ZipArchiveEntry entry, int maxBytes)
    {
        using var stream = entry.Open();
        var buffer = new byte[maxBytes];
        var read = stream.ReadAtLeast(buffer, maxBytes, throwOnEndOfStream: false);
        BytesInflated += read;
        return buffer[..read];
    }

    public void Dispose() => _archive.Dispose();

    private string? CheckEntries()
    {
        if (_archive.Entries.Count > _limits.MaxEntries)
        {
            return $"This document holds {_archive.Entries.Count} parts; the portal opens documents of at most {_limits.MaxEntries}. Save it again, or split it.";
        }

        long total = 0;
        foreach (var entry in _archive.Entries)
        {
            if (!IsSafeName(entry.FullName))
            {
                return $"This document contains a part named \"{Printable(entry.FullName)}\" that points outside the document (a \"zip-slip\" name); save it again from the program that made it.";
            }

            if (entry.Length > _limits.MaxEntryBytes)
            {
                return $"A part of this document ({Printable(entry.FullName)}) unpacks to {Megabytes(entry.Length)}; the portal opens parts of at most {Megabytes(_limits.MaxEntryBytes)}. Make the document smaller, for example by compressing its pictures.";
            }

            // Deflate never grows data by more than a few bytes per 16 KB block, so packed data much larger than the declared
            // size means the header lies about what the entry unpacks to.
            if (entry.CompressedLength > entry.Length + 1024 + (entry.Length / 100))
            {
                return $"A part of this document ({Printable(entry.FullName)}) holds more packed data than it says it unpacks to, as a hand-made \"zip bomb\" does; the portal does not open it.";
            }

            if (entry.Length >= _limits.RatioCheckedFromBytes && entry.Length > (long)_limits.MaxRatio * Math.Max(entry.CompressedLength, 1))
            {
                return $"A part of this document ({Printable(entry.FullName)}) unpacks to more than {_limits.MaxRatio} times its packed size, as a \"zip bomb\" does; the portal does not open it.";
            }

            total += entry.Length;
            if (total > _limits.MaxTotalBytes)
            {
                return $"This document unpacks to more than {Megabytes(_limits.MaxTotalBytes)}; make it smaller, for example by compressing its pictures, or split it.";
            }
        }

        return null;
    }

    /// <summary>Relative, forward-slash names with no ".." step, no drive and no control characters.</summary>
    private static bool IsSafeName(string name) =>
        name.Length > 0
        && !name.StartsWith('/')
        && !name.Contains('\\')
        && !name.Contains(':')
        && !name.Any(char.IsControl)
        && !name.Split('/').Any(step => step is ".." or ".");

    private static string Printable(string name) => new([.. name.Where(c => !char.IsControl(c)).Take(80)]);

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0.#} MB";

    private void Count(int read, long entryRead, long entryCap)
    {
        BytesInflated += read;
        if (entryRead > entryCap)
        {
            throw new ArchiveLimitException($"A part of this document unpacks to more than it declares or than {Megabytes(entryCap)}, as a \"zip bomb\" does; the portal does not open it.");
        }

        if (BytesInflated > _limits.MaxTotalBytes)
        {
            throw new ArchiveLimitException($"This document unpacks to more than {Megabytes(_limits.MaxTotalBytes)}; make it smaller, for example by compressing its pictures, or split it.");
        }
    }

    /// <summary>Reads at most one byte past the cap, which is how passing it is noticed.</summary>
    private sealed class CappedEntryStream(Stream inner, CappedZip zip, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var allowed = (int)Math.Min(buffer.Length, cap - _read + 1);
            var read = inner.Read(buffer[..allowed]);
            _read += read;
            zip.Count(read, _read, cap);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
