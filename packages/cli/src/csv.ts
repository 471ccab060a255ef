/**
 * A streaming CSV reader (RFC 4180): comma-separated fields, double quotes around a field
 * that holds commas, quotes ("" inside) or line breaks, CRLF or LF between records. It
 * yields each record with the line it starts on, holding only the record being read.
 */
export interface CsvRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly fields: string[];
}

/** The reader's state between pieces of text. */
class CsvState {
  fields: string[] = [];
  field = '';
  quoted = false;
  /** Just saw a quote inside a quoted field: the next character decides (escape or end). */
  quote = false;
  line = 1;
  start = 1;
  ready: CsvRecord[] = [];

  endField(): void { this.fields.push(this.field); this.field = ''; }

  endRecord(): void {
    this.endField();
    this.ready.push({ line: this.start, fields: this.fields });
    this.fields = [];
    this.start = this.line;
  }

  /** One character outside a pending quote decision. */
  take(c: string): void {
    if (this.quoted) {
      if (c === '"') this.quote = true;
      else { if (c === '\n') this.line++; this.field += c; }
      return;
    }
    if (c === '"' && this.field === '') this.quoted = true;
    else if (c === ',') this.endField();
    else if (c === '\n') { this.line++; this.endRecord(); }
    else if (c !== '\r') this.field += c;
  }

  feed(text: string): void {
    for (const c of text) {
      if (this.quote) {
        this.quote = false;
        if (c === '"') { this.field += '"'; continue; }
        this.quoted = false;
      }
      this.take(c);
    }
  }
}

export async function* forEachCsvRecord(source: AsyncIterable<string | Buffer>): AsyncGenerator<CsvRecord> {
  const s = new CsvState();
  for await (const piece of source) {
    s.feed(typeof piece === 'string' ? piece : piece.toString('utf8'));
    yield* s.ready;
    s.ready = [];
  }
  if (s.quote) { s.quote = false; s.quoted = false; }
  if (s.field !== '' || s.fields.length > 0) s.endRecord();
  yield* s.ready;
}
