#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/csv/csv_reader.h"
#include "io/csv/csv_writer.h"

namespace jiceng::io {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view bytes, Status* status = nullptr,
                                              std::vector<std::size_t>* lines = nullptr) {
  std::vector<std::vector<std::string>> rows;
  Status st = ReadCsv(bytes, "名单.csv", [&](const std::vector<std::string>& fields, std::size_t line) {
    rows.push_back(fields);
    if (lines) lines->push_back(line);
    return Status::Ok();
  });
  if (status) {
    *status = st;
  } else {
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return rows;
}

TEST(CsvReader, ReadsUtf8WithAndWithoutAByteOrderMark) {
  const std::vector<std::vector<std::string>> want = {{"姓名", "性别"}, {"张三", "男"}};
  EXPECT_EQ(ReadAll("\xEF\xBB\xBF姓名,性别\r\n张三,男\r\n"), want);
  EXPECT_EQ(ReadAll("姓名,性别\n张三,男"), want);
}

TEST(CsvReader, ConvertsGb18030FromChineseExcel) {
  // "姓名,性别\r\n张三,男\r\n" as Chinese Excel saves "CSV (逗号分隔)".
  const std::string gb = "\xd0\xd5\xc3\xfb,\xd0\xd4\xb1\xf0\r\n\xd5\xc5\xc8\xfd,\xc4\xd0\r\n";
  EXPECT_EQ(ReadAll(gb), (std::vector<std::vector<std::string>>{{"姓名", "性别"}, {"张三", "男"}}));
}

TEST(CsvReader, RefusesBytesThatAreNeitherUtf8NorGb18030) {
  Status st;
  ReadAll("a,b\r\n\xff\xff\xff\r\n", &st);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "file");
  EXPECT_NE(st.message_zh().find("名单.csv"), std::string::npos) << st.ToString();
}

TEST(CsvReader, NamesTheLineEachRecordStartsOn) {
  std::vector<std::size_t> lines;
  ReadAll("a,b\n\n\"x\ny\",z\nq,r\n", nullptr, &lines);
  EXPECT_EQ(lines, (std::vector<std::size_t>{1, 3, 5}));
}

TEST(CsvWriter, QuotesEscapesAndWritesYuan) {
  Table t;
  t.columns = {{"姓名"}, {"欠缴（元）", Column::Kind::kMoneyFen}, {"出生日期", Column::Kind::kDate}, {"人数", Column::Kind::kInteger}};
  t.rows.push_back({std::string("张,三"), std::int64_t{12345}, std::string("1980-05-01"), std::int64_t{3}});
  t.rows.push_back({std::string("say \"hi\""), std::int64_t{-5}, Cell{}, Cell{}});
  t.rows.push_back({std::string("=HYPERLINK(\"x\")"), std::int64_t{0}, Cell{}, Cell{}});
  EXPECT_EQ(WriteCsv(t),
            "\xEF\xBB\xBF姓名,欠缴（元）,出生日期,人数\r\n"
            "\"张,三\",123.45,1980-05-01,3\r\n"
            "\"say \"\"hi\"\"\",-0.05,,\r\n"
            "\"'=HYPERLINK(\"\"x\"\")\",0.00,,\r\n");
  EXPECT_EQ(FenToYuanText(100), "1.00");
  EXPECT_EQ(FenToYuanText(7), "0.07");
}

}  // namespace
}  // namespace jiceng::io
