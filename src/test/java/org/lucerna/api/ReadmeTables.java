package org.lucerna.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The README's tables as rows of cells, found by the heading of their section. */
final class ReadmeTables {
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  private static final Pattern CELL_BORDER = Pattern.compile("(?<!\\\\)\\|");

  private ReadmeTables() {}

  /** The rows (header and separator left out) of the first table under {@code heading}. */
  static List<List<String>> table(String heading) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("README.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = lines.indexOf(heading);
    if (at < 0) {
      throw new AssertionError("README.md has no heading " + heading);
    }
    while (!lines.get(at).startsWith("|")) {
      at++;
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i).trim();
      List<String> cells = new ArrayList<>();
      for (String cell : CELL_BORDER.split(line.substring(1, line.length() - 1), -1)) {
        cells.add(cell.trim());
      }
      rows.add(cells);
    }
    return rows;
  }

  /** Each row's first cell against its second, for tables of names and their defaults. */
  static Map<String, String> firstTwoColumns(String heading) {
    Map<String, String> m = new LinkedHashMap<>();
    for (List<String> row : table(heading)) {
      m.put(row.get(0), row.get(1));
    }
    return m;
  }

  /** The code spans of a cell: {@code `height`, `width`} gives height and width. */
  static List<String> code(String cell) {
    List<String> spans = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    while (m.find()) {
      spans.add(m.group(1));
    }
    return spans;
  }

  /** The only code span of a cell. */
  static String onlyCode(String cell) {
    List<String> spans = code(cell);
    if (spans.size() != 1) {
      throw new AssertionError("expected one `value` in the README cell \"" + cell + "\"");
    }
    return spans.get(0);
  }
}
