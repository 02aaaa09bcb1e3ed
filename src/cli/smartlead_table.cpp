#include "smartlead_table.hpp"

#include <algorithm>
#include <set>

#include "smartlead_answers.hpp"

namespace slwd::cli {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

bool all_scalars(const nlohmann::json& array) {
  return std::all_of(array.begin(), array.end(),
                     [](const nlohmann::json& v) { return v.is_primitive(); });
}

std::string list_text(const nlohmann::json& array) {
  std::vector<std::string> items;
  for (const auto& v : array) items.push_back(scalar_text(v));
  return join(items);
}

struct Flattened {
  std::vector<std::pair<std::string, std::string>> lines;
  std::vector<std::pair<std::string, std::string>> tables;  // key, rendered table
};

void flatten(const nlohmann::json& object, const std::string& prefix, Flattened& out) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object()) {
      flatten(value, name, out);
    } else if (value.is_array() && !all_scalars(value)) {
      std::vector<std::string> columns;
      std::set<std::string> seen;
      for (const auto& item : value) {
        if (!item.is_object()) continue;
        for (const auto& [column, cell] : item.items()) {
          if (seen.insert(column).second) columns.push_back(column);
        }
      }
      std::vector<TableRow> rows;
      for (const auto& item : value) {
        TableRow row;
        for (const auto& column : columns) {
          if (!item.is_object() || !item.contains(column)) {
            row.emplace_back();
          } else if (item[column].is_array() && all_scalars(item[column])) {
            row.push_back(list_text(item[column]));
          } else {
            row.push_back(item[column].is_primitive() ? scalar_text(item[column])
                                                      : item[column].dump());
          }
        }
        rows.push_back(std::move(row));
      }
      out.tables.emplace_back(name, render_table(columns, rows));
    } else if (value.is_array()) {
      out.lines.emplace_back(name, list_text(value));
    } else {
      out.lines.emplace_back(name, scalar_text(value));
    }
  }
}

std::string render_lines(const std::vector<std::pair<std::string, std::string>>& lines) {
  std::size_t width = 0;
  for (const auto& line : lines) width = std::max(width, line.first.size() + 1);
  std::string out;
  for (const auto& [key, value] : lines) {
    out += key + ":" + std::string(width - key.size() - 1, ' ') + " " + value + "\n";
  }
  return out;
}

}  // namespace

std::string render_table(const TableRow& headers, const std::vector<TableRow>& rows) {
  std::vector<std::size_t> widths(headers.size(), 0);
  auto measure = [&](const TableRow& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(headers);
  for (const auto& row : rows) measure(row);
  auto line = [&](const TableRow& row) {
    std::string out;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : std::string();
      out += cell;
      if (i + 1 < widths.size()) out += std::string(widths[i] - cell.size() + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string render_webhook_table(const std::vector<nlohmann::json>& webhooks) {
  std::vector<TableRow> rows;
  for (const auto& w : webhooks) {
    auto id = webhook_id(w);
    rows.push_back({id ? std::to_string(*id) : std::string("?"), webhook_name(w), webhook_url(w),
                    join(webhook_events(w), ",")});
  }
  return render_table({"ID", "NAME", "URL", "EVENTS"}, rows);
}

std::string render_webhook(const nlohmann::json& webhook) {
  if (!webhook.is_object()) return render_answer(webhook);
  std::vector<std::pair<std::string, std::string>> lines;
  auto id = webhook_id(webhook);
  lines.emplace_back("id", id ? std::to_string(*id) : std::string());
  lines.emplace_back("name", webhook_name(webhook));
  lines.emplace_back("url", webhook_url(webhook));
  lines.emplace_back("events", join(webhook_events(webhook)));
  if (auto categories = webhook_categories(webhook)) {
    std::vector<std::string> ids;
    for (auto c : *categories) ids.push_back(std::to_string(c));
    lines.emplace_back("categories", join(ids));
  }
  // Whatever else SmartLead tells about it (level, campaign, active, timestamps), as sent.
  nlohmann::json rest = webhook;
  for (const char* shown : {"id", "name", "webhook_url", "event_types", "event_type_map",
                            "categories", "category_id_map"}) {
    rest.erase(shown);
  }
  Flattened more;
  flatten(rest, "", more);
  lines.insert(lines.end(), more.lines.begin(), more.lines.end());
  std::string out = render_lines(lines);
  for (const auto& [key, table] : more.tables) out += key + ":\n" + table;
  return out;
}

std::string render_answer(const nlohmann::json& answer) {
  if (!answer.is_object()) {
    if (answer.is_array() && !all_scalars(answer)) {
      Flattened f;
      flatten(nlohmann::json{{"items", answer}}, "", f);
      return f.tables.empty() ? std::string() : f.tables.front().second;
    }
    return (answer.is_array() ? list_text(answer) : scalar_text(answer)) + "\n";
  }
  Flattened f;
  flatten(answer, "", f);
  std::string out = render_lines(f.lines);
  for (const auto& [key, table] : f.tables) out += key + ":\n" + table;
  return out;
}

}  // namespace slwd::cli
