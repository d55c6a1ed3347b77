#include "cli_options.hpp"

namespace kafkit::cli {

const char* usage_text() noexcept {
  return R"(Usage: kafkit <options> [file1 file2 .. | topic1 topic2 ..]
       kafkit topic|group|config <command> ... (kafkit topic -h)
kafkit - Kafka producer, consumer, metadata and admin tool; kcat's flags and output

Modes:
  -P                 Produce: messages from stdin (or files) to -t topic
  -C                 Consume from -t topic (all partitions, or -p)
  -G <group-id>      Balanced consumer in a group; topics (or ^regex) follow the options
  -L                 List brokers, topics and partitions (-t for one topic)
  -Q                 Query offsets by timestamp: -t <topic>:<partition>:<ts-ms>
  -M <N>             Start an in-process reference broker with N nodes, print its
                     bootstrap address and serve until stdin closes
  Without a mode: consume when stdin is a terminal, produce otherwise (as kcat).

General options:
  -b <brokers,..>    Bootstrap broker(s) (host[:port])
  -t <topic>         Topic
  -p <partition>     Partition (-1 when producing: the partitioner decides)
  -X prop=val        Set a client property (librdkafka or Java names)
  -X list            List every property with its default and description
  -X dump            Print the properties given and exit
  -F <config-file>   Read properties from a file (property=value lines)
  -m <seconds>       Metadata (and other request) timeout. Default: 5
  -c <cnt>           Stop after this many messages
  -q                 Quiet: no summary or informational lines on stderr
  -v                 More informational lines on stderr
  -E                 Do not exit on non-fatal errors
  -V                 Print version
  -h                 Print this help

Producer options:
  -z <codec>         Compression: none, gzip, snappy, lz4, zstd
  -D <delim>         Delimiter splitting the input into messages (\n \r \t \xNN). Default: \n
  -K <delim>         Delimiter splitting each message into key and value
  -k <str>           Key for every message (per-message -K keys take precedence)
  -H <name=value>    Add a header to every message (repeatable)
  -l                 Read the one file argument split by -D, as stdin is
  -T                 Echo sent messages to stdout
  -Z                 Send empty messages as NULL
  -J                 Read JSON envelopes (as -C -J prints them), one per line:
                     per-message topic, partition, key, payload, headers, ts
  file1 file2..      Send each whole file as one message (or with -l, split it)

Consumer options:
  -o <offset>        Start at: beginning | end | stored | <value> (absolute) |
                     -<value> (relative to end) | s@<ts-ms> (first at/after time) |
                     e@<ts-ms> (stop before time)
  -e                 Exit successfully at the end of every partition
  -f <fmt>           Output format, see below (takes precedence over -D and -K)
  -J                 Output a JSON envelope per message
  -s key=<serdes>    Deserialize keys (pack-str: <>bBhHiIqQcs$), -s value=.., -s <serdes>
  -D <delim>         Delimiter after each message on output
  -K <delim>         Print keys, followed by this delimiter
  -O                 Print offsets, followed by the -K delimiter
  -Z                 Print NULL keys and values as "NULL"
  -u                 Unbuffered output

kafkit options:
  --encoding base64|hex  Show keys, values and header values in this encoding (and in
                     JSON, which then carries "encoding"); -P reads them so
  --no-progress      No live count and rate on stderr (shown only on a terminal)

Format string tokens:
  %s  payload        %S  payload length (-1 for NULL)   %R  payload length, int32 BE
  %k  key            %K  key length (-1 for NULL)        %T  timestamp (ms)
  %h  headers (n=v,..)  %t topic  %p partition  %o offset
  %{base64}s %{hex}k ..  a token's bytes in that encoding
  \n \r \t \xXX      Newline, carriage return, tab, any byte
  Example: -f 'Topic %t [%p] at offset %o: key %k: %s\n'

Admin (human tables; --json for scripts):
  kafkit topic create|delete|describe|list ...
  kafkit group list|describe|lag|reset-offsets|delete ...
  kafkit config get|set ...
)";
}

}  // namespace kafkit::cli
