#include <gtest/gtest.h>
#include <zip.h>

#include <string>
#include <vector>

#include "io/testing/zip_bomb.h"
#include "io/xlsx/xlsx_reader.h"
#include "io/xlsx/xlsx_writer.h"

namespace jiceng::io {
namespace {

struct ReadRow {
  std::size_t row;
  std::vector<std::string> cells;
};

std::vector<ReadRow> ReadAll(std::string_view bytes, Status* status = nullptr, const XlsxLimits& limits = {}) {
  std::vector<ReadRow> rows;
  Status st = ReadXlsx(
      bytes, "test.xlsx",
      [&](const std::vector<std::string>& cells, std::size_t row) {
        rows.push_back({row, cells});
        return Status::Ok();
      },
      limits);
  if (status != nullptr) {
    *status = st;
  } else {
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return rows;
}

// A workbook as LibreOffice and WPS write it, built part by part with libzip:
// prefixed namespaces, inline strings, rich shared strings with a phonetic
// run, a custom date format (id 164) and a built-in one (14), a gap row and a
// gap column, a boolean and a long number.
std::string HandBuiltWorkbook(bool date1904) {
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
       R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>)"},
      {"xl/workbook.xml",
       std::string(R"(<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
                   R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)") +
           (date1904 ? R"(<x:workbookPr date1904="true"/>)" : R"(<x:workbookPr/>)") +
           R"(<x:sheets><x:sheet name="党员" sheetId="1" r:id="rId7"/><x:sheet name="other" sheetId="2" r:id="rId8"/></x:sheets></x:workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/other.xml"/>)"
       R"(<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>)"
       R"(</Relationships>)"},
      {"xl/styles.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
       R"(<numFmts count="1"><numFmt numFmtId="164" formatCode="YYYY\-MM\-DD"/></numFmts>)"
       R"(<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>)"
       R"(<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14"/></cellXfs></styleSheet>)"},
      {"xl/sharedStrings.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">)"
       R"(<si><t>姓名</t></si><si><t xml:space="preserve">出生日期</t></si>)"
       R"(<si><r><rPr><b/></rPr><t>王</t></r><r><t>小红</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh></si></sst>)"},
      {"xl/worksheets/data.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
       R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>)"
       R"(<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" s="1"><v>29342</v></c>)"
       R"(<c r="D2"><v>13800000000</v></c></row>)"
       R"(<row r="3"><c r="A3" s="1"/></row>)"
       R"(<row r="5"><c r="A5" t="s"><v>2</v></c><c r="B5" s="2"><v>44378.5</v></c><c r="C5" t="b"><v>1</v></c>)"
       R"(<c r="E5" t="str"><f>1+1</f><v>2</v></c><c r="F5"><v>12.25</v></c></row>)"
       R"(</sheetData></worksheet>)"},
      {"xl/worksheets/other.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
       R"(<row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>)"},
  };
  const std::string path = ::testing::TempDir() + "/hand_built_" + std::to_string(date1904) + ".xlsx";
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(zip, nullptr);
  std::vector<std::string> keep;  // libzip reads the buffers at zip_close
  keep.reserve(parts.size());
  for (const auto& [name, text] : parts) {
    keep.push_back(text);
    zip_source_t* src = zip_source_buffer(zip, keep.back().data(), keep.back().size(), 0);
    EXPECT_GE(zip_file_add(zip, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
  }
  EXPECT_EQ(zip_close(zip), 0);
  std::string bytes;
  FILE* f = std::fopen(path.c_str(), "rb");
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
  std::fclose(f);
  return bytes;
}

TEST(XlsxReader, ReadsTheLibreOfficeAndWpsDialect) {
  const std::vector<ReadRow> rows = ReadAll(HandBuiltWorkbook(false));
  ASSERT_EQ(rows.size(), 3u);  // row 3 holds only an empty styled cell
  EXPECT_EQ(rows[0].row, 1u);
  EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"姓名", "出生日期"}));
  EXPECT_EQ(rows[1].row, 2u);
  EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"张三", "1980-05-01", "", "13800000000"}));
  EXPECT_EQ(rows[2].row, 5u);
  EXPECT_EQ(rows[2].cells,
            (std::vector<std::string>{"王小红", "2021-07-01 12:00:00", "TRUE", "", "2", "12.25"}));
}

TEST(XlsxReader, HonoursThe1904DateSystem) {
  const std::vector<ReadRow> rows = ReadAll(HandBuiltWorkbook(true));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].cells[1], "1984-05-02");
}

TEST(XlsxReader, SerialNumbersAroundExcelsLeapYearBug) {
  EXPECT_EQ(ExcelSerialToText(1, false), "1900-01-01");
  EXPECT_EQ(ExcelSerialToText(59, false), "1900-02-28");
  EXPECT_EQ(ExcelSerialToText(61, false), "1900-03-01");
  EXPECT_EQ(ExcelSerialToText(29342, false), "1980-05-01");
  EXPECT_EQ(ExcelSerialToText(0, true), "1904-01-01");
}

TEST(XlsxReader, TellsDateFormatsFromNumberFormats) {
  EXPECT_TRUE(IsDateFormat(14, ""));
  EXPECT_TRUE(IsDateFormat(31, ""));  // yyyy"年"m"月"d"日" in Chinese Excel
  EXPECT_TRUE(IsDateFormat(57, ""));
  EXPECT_FALSE(IsDateFormat(0, ""));
  EXPECT_FALSE(IsDateFormat(49, ""));
  EXPECT_TRUE(IsDateFormat(176, R"(yyyy"年"m"月"d"日";@)"));
  EXPECT_TRUE(IsDateFormat(165, "[$-804]yyyy/m/d"));
  EXPECT_FALSE(IsDateFormat(166, "0.00"));
  EXPECT_FALSE(IsDateFormat(167, "[Red]#,##0.00"));
  EXPECT_FALSE(IsDateFormat(168, R"("days "0)"));
  EXPECT_FALSE(IsDateFormat(169, "General"));
}

TEST(XlsxReader, RefusesWhatIsNotAnXlsx) {
  Status st;
  ReadAll("姓名,性别\n张三,男\n", &st);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "file");
  EXPECT_NE(st.message_zh().find("test.xlsx"), std::string::npos) << st.ToString();
}

TEST(XlsxReader, StopsAtTheCallbacksError) {
  int seen = 0;
  Status st = ReadXlsx(HandBuiltWorkbook(false), "x.xlsx", [&](const std::vector<std::string>&, std::size_t) {
    ++seen;
    return seen == 2 ? Status::InvalidArgument("row", "停", "stop") : Status::Ok();
  });
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(st.field(), "row");
}

// --- Zip bombs (issue #14 part 4): a small file whose sheet unpacks to 300 MB.

constexpr std::uint64_t kMiB = 1024 * 1024;

bool Mentions(const Status& st, const std::string& text) {
  return st.message_zh().find(text) != std::string::npos && st.message_en().find(text) != std::string::npos;
}

// 300 MB of blank rows after a header and one row, deflated to ~300 KB.
const std::string& BlankBomb() {
  static const std::string bytes = testing::ZipBombXlsx(300 * 1000 * 1000, {{"姓名"}, {"张三"}});
  return bytes;
}

TEST(XlsxLimits, TheBombIsSmallAndHonestAboutItsSize) {
  ASSERT_FALSE(BlankBomb().empty());
  EXPECT_LT(BlankBomb().size(), 1 * kMiB);
  EXPECT_GT(testing::CentralDirectorySize(BlankBomb(), testing::kBombSheet), 300 * 1000 * 1000);
}

TEST(XlsxLimits, RefusesASheetThatSaysItUnpacksPastTheLimit) {
  Status st;
  ReadAll(BlankBomb(), &st);
  EXPECT_EQ(st.code(), ErrorCode::kPayloadTooLarge) << st.ToString();
  EXPECT_EQ(st.field(), "file");
  EXPECT_TRUE(Mentions(st, "200 MiB")) << st.ToString();
  EXPECT_TRUE(Mentions(st, "--xlsx-max-unpacked-mib")) << st.ToString();
  EXPECT_TRUE(Mentions(st, "test.xlsx")) << st.ToString();
}

TEST(XlsxLimits, RefusesASheetCompressedMoreThanTheRatioWhateverItsHeaderSays) {
  // The central directory and the local header claim 1,000 bytes.
  const std::string lying = testing::WithClaimedSize(BlankBomb(), testing::kBombSheet, 1000);
  ASSERT_FALSE(lying.empty());
  ASSERT_EQ(testing::CentralDirectorySize(lying, testing::kBombSheet), 1000);
  Status st;
  ReadAll(lying, &st);
  EXPECT_EQ(st.code(), ErrorCode::kPayloadTooLarge) << st.ToString();
  EXPECT_EQ(st.field(), "file");
  EXPECT_TRUE(Mentions(st, "100:1")) << st.ToString();
  EXPECT_TRUE(Mentions(st, "--xlsx-max-ratio")) << st.ToString();
  EXPECT_TRUE(Mentions(st, testing::kBombSheet)) << st.ToString();
}

TEST(XlsxLimits, CountsTheBytesActuallyUnpackedNotTheHeadersClaim) {
  // Rows with a value (each one reaches the callback), 64 MiB of them, in a
  // file whose headers claim 1,000 bytes; no ratio limit, 4 MiB of bytes.
  const std::string row = R"(<row><c t="inlineStr"><is><t>x</t></is></c></row>)";
  const std::string lying =
      testing::WithClaimedSize(testing::ZipBombXlsx(64 * kMiB, {{"姓名"}}, row), testing::kBombSheet, 1000);
  ASSERT_FALSE(lying.empty());
  XlsxLimits limits;
  limits.max_unpacked_bytes = 4 * kMiB;
  limits.max_ratio = 1'000'000;
  Status st;
  const std::vector<ReadRow> rows = ReadAll(lying, &st, limits);
  EXPECT_EQ(st.code(), ErrorCode::kPayloadTooLarge) << st.ToString();
  EXPECT_TRUE(Mentions(st, "4 MiB")) << st.ToString();
  // Stopped at the limit: no more rows than 4 MiB (plus one read buffer) hold,
  // of the 1.4 million in the sheet.
  EXPECT_GT(rows.size(), 1000u);
  EXPECT_LE(rows.size(), (4 * kMiB + 64 * 1024) / row.size() + 1);
}

TEST(XlsxLimits, AnOrdinaryLargeSheetIsRead) {
  // 60,000 rows of distinct values: several MiB unpacked, compressed ~10:1.
  Table t;
  t.columns = {{"姓名", Column::Kind::kText}, {"编号", Column::Kind::kInteger}, {"手机号", Column::Kind::kText}};
  for (std::int64_t i = 0; i < 60'000; ++i) {
    t.rows.push_back({std::string("党员") + std::to_string(i * 7919 % 100'003), i,
                      std::to_string(13'800'000'000 + i * 104'729 % 99'999'989)});
  }
  auto bytes = WriteXlsx(t);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Status st;
  const std::vector<ReadRow> rows = ReadAll(*bytes, &st);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows.size(), 60'001u);
}

TEST(XlsxWriter, WritesWhatTheReaderReadsBack) {
  Table t;
  t.sheet_name = "党员名册: 2026/11";  // ':' and '/' are not allowed in sheet names
  t.columns = {{"姓名", Column::Kind::kText},
               {"年龄", Column::Kind::kInteger},
               {"出生日期", Column::Kind::kDate},
               {"欠缴（元）", Column::Kind::kMoneyFen},
               {"手机号", Column::Kind::kText}};
  t.rows.push_back({std::string("张三"), std::int64_t{42}, std::string("1980-05-01"), std::int64_t{12345},
                    std::string("13800000000")});
  t.rows.push_back({std::string("李四"), Cell{}, Cell{}, std::int64_t{5}, Cell{}});
  auto bytes = WriteXlsx(t);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  ASSERT_GT(bytes->size(), 100u);
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  const std::vector<ReadRow> rows = ReadAll(*bytes);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"姓名", "年龄", "出生日期", "欠缴（元）", "手机号"}));
  EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"张三", "42", "1980-05-01", "123.45", "13800000000"}));
  EXPECT_EQ(rows[2].row, 3u);
  EXPECT_EQ(rows[2].cells, (std::vector<std::string>{"李四", "", "", "0.05"}));
}

}  // namespace
}  // namespace jiceng::io
