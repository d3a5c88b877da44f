#include "accounts/user_service.h"

#include "accounts/password.h"
#include "common/clock.h"
#include "common/text.h"

namespace jiceng::accounts {

Status UserNotFound() {
  return Status::NotFound("没有这个账号。", "No such account.", "id");
}

Result<std::string> NormalizeUsername(std::string_view raw) {
  std::string name = Trim(raw);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@';
  });
  if (name.size() < 3 || name.size() > 32 || !chars_ok) {
    return Status::InvalidArgument("username", "用户名应为 3–32 位字母、数字或 . _ - @（如 zhang.san）。",
                                   "A username has 3–32 letters, digits or . _ - @ (e.g. zhang.san).");
  }
  return name;
}

namespace {

Result<std::string> NormalizeDisplayName(std::string_view raw) {
  std::string name = Trim(raw);
  if (name.empty() || !IsValidUtf8(name) || HasControlChars(name) || Utf8Length(name) > 30) {
    return Status::InvalidArgument("display_name", "请填写 1–30 字的姓名或称呼。",
                                   "Give a display name of 1–30 characters.");
  }
  return name;
}

// Calls `fn` when the enclosing method returns, whatever the outcome (after
// a failed write the cache is merely refreshed needlessly).
class NotifyOnExit {
 public:
  explicit NotifyOnExit(const std::function<void()>& fn) : fn_(fn) {}
  ~NotifyOnExit() {
    if (fn_) fn_();
  }

 private:
  const std::function<void()>& fn_;
};


}  // namespace

Result<std::optional<std::int64_t>> UserService::UnitIdOf(const std::optional<std::string>& code,
                                                          std::string_view field) const {
  if (!code || code->empty()) return std::optional<std::int64_t>();
  JICENG_ASSIGN_OR_RETURN(auto numeric, hierarchy::ParseUnitCode(*code, field));
  auto unit = hierarchy_.tree().Find(numeric);
  if (!unit) {
    return Status::NotFound("找不到区划代码为 " + *code + " 的单位。", "No unit has code " + *code + ".",
                            std::string(field));
  }
  return std::optional<std::int64_t>(unit->id);
}

Status UserService::CheckScope(const Principal* actor, std::string_view permission, const User& user) const {
  if (actor == nullptr) return Status::Ok();
  if (!access_.Allows(*actor, permission, user.unit_code)) return PermissionDenied(access_.roles(), permission);
  // Changing an account (not merely reading it) also needs at least the power it holds.
  if (permission != "users.read" && actor->user_id != user.id) {
    JICENG_RETURN_IF_ERROR(access_.CheckCanActOn(*actor, user.grants));
  }
  return Status::Ok();
}

Result<User> UserService::Load(std::int64_t id) {
  std::optional<User> user;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(user, AccountStore::FindUser(s, id, &vault_));
    return Status::Ok();
  }));
  if (!user) return UserNotFound();
  return std::move(*user);
}

Result<std::optional<std::uint64_t>> UserService::HomeUnitOf(std::int64_t user_id) {
  JICENG_ASSIGN_OR_RETURN(auto user, Load(user_id));
  return user.unit_code;
}

Result<User> UserService::Create(const Principal* actor, const NewUser& input) {
  User user;
  JICENG_ASSIGN_OR_RETURN(user.username, NormalizeUsername(input.username));
  JICENG_ASSIGN_OR_RETURN(user.display_name, NormalizeDisplayName(input.display_name));
  JICENG_ASSIGN_OR_RETURN(user.phone, people::CheckPhone(input.phone));
  JICENG_ASSIGN_OR_RETURN(auto unit_id, UnitIdOf(input.unit_code, "unit_code"));
  if (input.unit_code && !input.unit_code->empty()) user.unit_code = std::stoull(*input.unit_code);
  JICENG_RETURN_IF_ERROR(CheckPasswordPolicy(input.password, user.username));
  JICENG_RETURN_IF_ERROR(CheckScope(actor, "users.write", user));
  JICENG_ASSIGN_OR_RETURN(auto hash, HashPassword(input.password));
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(user.id, AccountStore::InsertUser(s, vault_, user, unit_id, hash));
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kConflict) {
    return Status::Conflict("用户名 " + user.username + " 已被使用，请换一个。",
                            "The username " + user.username + " is taken; choose another.", "username");
  }
  JICENG_RETURN_IF_ERROR(st);
  return Load(user.id);
}

Result<User> UserService::Get(const Principal* actor, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto user, Load(id));
  JICENG_RETURN_IF_ERROR(CheckScope(actor, "users.read", user));
  return user;
}

Result<User> UserService::GetByName(const std::string& username) {
  JICENG_ASSIGN_OR_RETURN(auto name, NormalizeUsername(username));
  std::optional<User> user;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(user, AccountStore::FindUserByName(s, name, &vault_));
    return Status::Ok();
  }));
  if (!user) {
    return Status::NotFound("没有用户名为 " + name + " 的账号。", "No account is named " + name + ".", "username");
  }
  return std::move(*user);
}

Result<std::pair<std::vector<User>, std::size_t>> UserService::List(const Principal* actor, const std::string& text,
                                                                    std::size_t offset, std::size_t limit) {
  UserFilter filter;
  filter.text = Trim(text);
  filter.offset = offset;
  filter.limit = limit;
  if (actor == nullptr) {
    filter.nationwide = true;
  } else {
    Scope scope = access_.ScopeOf(*actor, "users.read");
    filter.nationwide = scope.nationwide;
    for (std::uint64_t root : scope.roots) filter.unit_prefixes.push_back(std::to_string(root));
  }
  std::pair<std::vector<User>, std::size_t> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(out, AccountStore::ListUsers(s, filter, &vault_));
    return Status::Ok();
  }));
  return out;
}

Result<User> UserService::Update(const Principal* actor, std::int64_t id, const UserPatch& patch,
                                 std::optional<std::int64_t> expected_version) {
  NotifyOnExit notify(on_change_);
  JICENG_ASSIGN_OR_RETURN(auto user, Load(id));
  JICENG_RETURN_IF_ERROR(CheckScope(actor, "users.write", user));
  if (expected_version && *expected_version != user.version) {
    return Status::Conflict("该账号已被其他人修改，请刷新后重试。",
                            "Someone else changed this account; reload and try again.", "version");
  }
  if (actor != nullptr && actor->user_id == id && patch.enabled && !*patch.enabled) {
    return Status::FailedPrecondition("不能停用自己的账号。", "You cannot disable your own account.", "enabled");
  }
  const std::int64_t version = user.version;
  if (patch.display_name) {
    JICENG_ASSIGN_OR_RETURN(user.display_name, NormalizeDisplayName(*patch.display_name));
  }
  if (patch.phone) {
    JICENG_ASSIGN_OR_RETURN(user.phone, people::CheckPhone(*patch.phone));
  }
  const bool disabling = patch.enabled && !*patch.enabled && user.enabled;
  if (patch.enabled) user.enabled = *patch.enabled;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(AccountStore::UpdateUser(s, vault_, user, version));
    // A disabled account is signed out everywhere at once.
    if (disabling) JICENG_RETURN_IF_ERROR(AccountStore::RevokeAllSessions(s, user.id));
    return Status::Ok();
  }));
  return Load(id);
}

Status UserService::SetPassword(const Principal* actor, std::int64_t id, const std::string& password) {
  NotifyOnExit notify(on_change_);
  JICENG_ASSIGN_OR_RETURN(auto user, Load(id));
  JICENG_RETURN_IF_ERROR(CheckScope(actor, "users.write", user));
  JICENG_RETURN_IF_ERROR(CheckPasswordPolicy(password, user.username));
  JICENG_ASSIGN_OR_RETURN(auto hash, HashPassword(password));
  return db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(AccountStore::SetPasswordHash(s, id, hash));
    return AccountStore::RevokeAllSessions(s, id);
  });
}

Status UserService::ChangeOwnPassword(const Principal& actor, const std::string& current, const std::string& next) {
  NotifyOnExit notify(on_change_);
  std::optional<Credentials> creds;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(creds, AccountStore::FindCredentials(s, actor.username));
    return Status::Ok();
  }));
  if (!creds || !VerifyPassword(creds->password_hash, current)) {
    return Status::InvalidArgument("current_password", "当前密码不对。", "The current password is wrong.");
  }
  JICENG_RETURN_IF_ERROR(CheckPasswordPolicy(next, actor.username, "new_password"));
  if (next == current) {
    return Status::InvalidArgument("new_password", "新密码不能与当前密码相同。",
                                   "The new password must differ from the current one.");
  }
  JICENG_ASSIGN_OR_RETURN(auto hash, HashPassword(next));
  return db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(AccountStore::SetPasswordHash(s, actor.user_id, hash));
    // Other sessions end; the current one stays so the user is not thrown out.
    JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND "
                                           "revoked_at IS NULL AND id <> ?",
                                           {db::Value(NowUtcIso()), db::Value(actor.user_id),
                                            db::Value(actor.session_id.value_or(0))}));
    (void)n;
    return Status::Ok();
  });
}

Result<Grant> UserService::GrantRole(const Principal* actor, std::int64_t user_id, const std::string& role_id,
                                     std::optional<std::string> unit_code) {
  NotifyOnExit notify(on_change_);
  const Role* role = access_.roles().FindRole(role_id);
  if (role == nullptr) {
    std::string known;
    for (const Role& r : access_.roles().roles()) known += (known.empty() ? "" : ", ") + r.id;
    return Status::InvalidArgument("role", "没有这个角色：" + role_id + "（可用：" + known + "）。",
                                   "No such role: " + role_id + " (known: " + known + ").");
  }
  JICENG_ASSIGN_OR_RETURN(auto user, Load(user_id));
  JICENG_ASSIGN_OR_RETURN(auto unit_id, UnitIdOf(unit_code, "unit_code"));
  std::optional<std::uint64_t> unit;
  if (unit_id) unit = std::stoull(*unit_code);
  if (!unit && !role->grantable_nationwide) {
    return Status::InvalidArgument("unit_code", "角色“" + role->name_zh + "”必须授予在某个单位上，请填写单位代码。",
                                   "The role \"" + role->name_en + "\" is granted on a unit: give unit_code.");
  }
  if (unit && role->grantable_levels.count(hierarchy::LevelOfCode(*unit)) == 0) {
    return Status::InvalidArgument(
        "unit_code", "角色“" + role->name_zh + "”不能授予在" + std::string(hierarchy::LevelNameZh(hierarchy::LevelOfCode(*unit))) + "单位上。",
        "The role \"" + role->name_en + "\" cannot be granted on a " +
            std::string(hierarchy::LevelName(hierarchy::LevelOfCode(*unit))) + ".");
  }
  if (actor != nullptr) {
    JICENG_RETURN_IF_ERROR(CheckScope(actor, "users.write", user));
    JICENG_RETURN_IF_ERROR(access_.CheckCanGrant(*actor, *role, unit));
  }
  Grant grant{0, role->id, unit};
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(grant.id, AccountStore::InsertGrant(s, user_id, role->id, unit_id,
                                                                actor ? std::optional<std::int64_t>(actor->user_id)
                                                                      : std::nullopt));
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kConflict) {
    return Status::Conflict("该账号在此单位已有这个角色。", "The account already holds this role there.", "role");
  }
  JICENG_RETURN_IF_ERROR(st);
  return grant;
}

Status UserService::RevokeRole(const Principal* actor, std::int64_t user_id, std::int64_t grant_id) {
  NotifyOnExit notify(on_change_);
  JICENG_ASSIGN_OR_RETURN(auto user, Load(user_id));
  const Grant* grant = nullptr;
  for (const Grant& g : user.grants) {
    if (g.id == grant_id) grant = &g;
  }
  if (grant == nullptr) return Status::NotFound("该账号没有这项角色授予。", "The account has no such role grant.", "grant_id");
  if (actor != nullptr) {
    JICENG_RETURN_IF_ERROR(CheckScope(actor, "users.write", user));
    if (!access_.Allows(*actor, "roles.grant", grant->unit_code)) return PermissionDenied(access_.roles(), "roles.grant");
  }
  return db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto done, AccountStore::RevokeGrant(s, user_id, grant_id,
                                                                 actor ? std::optional<std::int64_t>(actor->user_id)
                                                                       : std::nullopt));
    if (!done) return Status::NotFound("该角色授予已收回。", "The grant was already revoked.", "grant_id");
    return Status::Ok();
  });
}

}  // namespace jiceng::accounts
