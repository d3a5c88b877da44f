// SQLite backend of db::Database: one file, WAL journal, foreign keys on, a
// busy timeout. One writer connection (writes are serialized by a mutex, as
// SQLite allows only one writer anyway) and a small pool of reader
// connections that read consistent snapshots beside the writer.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"

namespace jiceng::db {

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if missing) the SQLite file at `path`.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase() override;

  std::string_view engine() const override { return "sqlite"; }
  std::string location() const override { return path_; }
  Status Write(const SessionFn& fn) override;
  Status Read(const SessionFn& fn) override;
  PoolStats Pool() override;

  // Writes a consistent snapshot of the whole database into a new file at
  // `path` with SQLite's online backup API, in one read transaction: writers
  // carry on meanwhile (WAL) and are not in the copy. kFailedPrecondition
  // when `path` exists; kIoError when it cannot be written.
  Status BackupTo(const std::string& path);

 private:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)) {}
  Result<sqlite3*> Connect(bool read_only);
  sqlite3* TakeReader();           // nullptr when a new one must be opened
  void ReturnReader(sqlite3* conn);

  const std::string path_;
  std::mutex write_mutex_;
  sqlite3* writer_ = nullptr;      // GUARDED_BY(write_mutex_)
  std::mutex pool_mutex_;
  std::vector<sqlite3*> readers_;  // GUARDED_BY(pool_mutex_): idle readers
  std::atomic<std::size_t> readers_in_use_{0};
  std::atomic<bool> writing_{false};
};

// Maps a failed SQLite call to a Status: constraint violations become
// kConflict / kFailedPrecondition, a locked database kUnavailable, anything
// else kInternal with the SQLite message kept for the log only.
Status SqliteError(sqlite3* conn, int rc, std::string_view what);

}  // namespace jiceng::db
