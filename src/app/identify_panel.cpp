#include "app/identify_panel.h"
#include "app/reveal.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <QLocale>

#include "model/domain.h"
#include "model/masking.h"

namespace gridatlas::app {

namespace {
QString layerLabel(const std::string& layer) {
    if (layer == "buildings") return IdentifyPanel::tr("Building");
    if (layer == "households") return IdentifyPanel::tr("Household");
    if (layer == "grids") return IdentifyPanel::tr("Grid");
    if (layer == "service_posts") return IdentifyPanel::tr("Service post");
    if (layer == "residents") return IdentifyPanel::tr("Resident");
    return QString::fromStdString(layer);
}
} // namespace

QString IdentifyPanel::displayValue(const std::string& key, const QString& raw) {
    // Codes stored in the atlas shown by their names (shared/GLOSSARY.md).
    const std::string v = raw.toStdString();
    const bool english = tr("Building") == QLatin1String("Building"); // no Chinese translator loaded
    auto fromTable = [&](const auto& table) -> QString {
        for (const auto& c : table)
            if (c.code == v) return QString::fromUtf8(english ? c.nameEn.data() : c.nameZh.data(), english ? c.nameEn.size() : c.nameZh.size());
        return raw;
    };
    if (key == "use") return fromTable(model::kBuildingUses);
    if (key == "member_type") return fromTable(model::kMemberTypes);
    if (key == "gender") return v == "M" ? tr("Male") : v == "F" ? tr("Female") : raw;
    if (key == "is_member") return v == "1" ? tr("Yes") : v == "0" ? tr("No") : raw;
    return raw;
}

QString IdentifyPanel::fieldLabel(const std::string& key) {
    static const std::vector<std::pair<std::string, const char*>> kLabels{
        {"number", QT_TR_NOOP("Number")},
        {"name", QT_TR_NOOP("Name")},
        {"resident_name", QT_TR_NOOP("Full name")},
        {"building_name", QT_TR_NOOP("Building name")},
        {"grid_name", QT_TR_NOOP("Grid name")},
        {"post_name", QT_TR_NOOP("Post name")},
        {"buildings", QT_TR_NOOP("Buildings")},
        {"compound", QT_TR_NOOP("Compound")},
        {"address", QT_TR_NOOP("Address")},
        {"community", QT_TR_NOOP("Community")},
        {"grid_code", QT_TR_NOOP("Grid code")},
        {"grid", QT_TR_NOOP("Grid")},
        {"floors", QT_TR_NOOP("Floors")},
        {"unit_count", QT_TR_NOOP("Units")},
        {"use", QT_TR_NOOP("Use")},
        {"households", QT_TR_NOOP("Households")},
        {"residents", QT_TR_NOOP("Residents")},
        {"members", QT_TR_NOOP("Party members")},
        {"vulnerable_households", QT_TR_NOOP("Vulnerable households")},
        {"nearby_post", QT_TR_NOOP("Nearby service post")},
        {"unit", QT_TR_NOOP("Unit")},
        {"room", QT_TR_NOOP("Room")},
        {"floor", QT_TR_NOOP("Floor")},
        {"member_type", QT_TR_NOOP("Member type")},
        {"branch", QT_TR_NOOP("Branch")},
        {"phone", QT_TR_NOOP("Phone")},
        {"building", QT_TR_NOOP("Building")},
        {"flag", QT_TR_NOOP("Needs attention")},
        {"relation", QT_TR_NOOP("Relation")},
        {"gender", QT_TR_NOOP("Gender")},
        {"birth_year", QT_TR_NOOP("Birth year")},
        {"id_number", QT_TR_NOOP("ID number")},
        {"is_member", QT_TR_NOOP("Party member")},
        {"code", QT_TR_NOOP("Code")},
        {"target_households", QT_TR_NOOP("Target households")},
        {"deviation_pct", QT_TR_NOOP("Deviation from target (%)")},
        {"manager", QT_TR_NOOP("Grid manager")},
        {"supervisor", QT_TR_NOOP("Grid supervisor")},
        {"assistant", QT_TR_NOOP("Grid assistant")},
        {"manager_phone", QT_TR_NOOP("Manager phone")},
        {"supervisor_phone", QT_TR_NOOP("Supervisor phone")},
        {"assistant_phone", QT_TR_NOOP("Assistant phone")},
        {"type", QT_TR_NOOP("Type code")},
        {"type_name", QT_TR_NOOP("Type")},
        {"hours", QT_TR_NOOP("Opening hours")},
        {"radius_m", QT_TR_NOOP("Service radius (m)")},
        {"walk_minutes", QT_TR_NOOP("Walk minutes")},
    };
    for (const auto& [k, label] : kLabels)
        if (k == key) return tr(label);
    return QString::fromStdString(key);
}

IdentifyPanel::IdentifyPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_reveal = new QCheckBox(tr("Show personal data"), this);
    m_reveal->setObjectName("RevealCheck");
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName("IdentifyTree");
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Field"), tr("Value")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    layout->addWidget(m_tree);
    layout->addWidget(m_reveal);
    connect(m_reveal, &QCheckBox::toggled, this, [this](bool on) {
        if (on && QMessageBox::question(this, tr("Show personal data"),
                                        tr("Names, phones and ID numbers will be shown in full. Continue?")) != QMessageBox::Yes) {
            m_reveal->setChecked(false);
            return;
        }
        if (on && !authorizeShown()) {
            m_reveal->setChecked(false);
            return;
        }
        rebuild();
    });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (!item) return;
        while (item->parent()) item = item->parent();
        const int i = m_tree->indexOfTopLevelItem(item);
        if (i < 0 || i >= static_cast<int>(m_results.size())) return;
        const auto& r = m_results[static_cast<std::size_t>(i)];
        emit featureSelected(QString::fromStdString(r.layer), r.id, r.bounds.xmin, r.bounds.ymin, r.bounds.xmax, r.bounds.ymax);
    });
}

void IdentifyPanel::setResults(std::vector<storage::IdentifyResult> results) {
    m_results = std::move(results);
    if (m_reveal->isChecked() && !authorizeShown()) {
        const QSignalBlocker block(m_reveal);
        m_reveal->setChecked(false);
    }
    rebuild();
    if (m_tree->topLevelItemCount() > 0) m_tree->setCurrentItem(m_tree->topLevelItem(0));
}

bool IdentifyPanel::authorizeShown() {
    // Shown in full: an encrypted atlas needs its key, and every reveal is logged.
    if (m_results.empty()) return true;
    QStringList what;
    for (const auto& r : m_results) what << QString::fromStdString(r.layer) + " " + QString::number(r.id);
    return authorizeReveal(this, m_results.front().atlas, QStringLiteral("identify: ") + what.join(", "));
}

void IdentifyPanel::addAttributes(QTreeWidgetItem* parent, const storage::IdentifyResult& r, const std::string& atlas) {
    const bool reveal = m_reveal->isChecked();
    for (const auto& a : r.attributes) {
        QString value;
        std::string text = a.value;
        if (reveal && a.sealed) {
            try {
                text = storage::revealedValue(atlas, a);
            } catch (const std::exception&) {
                text = model::mask(a.value, a.sensitivity); // no key: stays masked
            }
        }
        if (a.key == "flag") value = fieldLabel(a.value); // a flag's name is the value
        else value = displayValue(a.key, QString::fromStdString(model::mask(text, a.sensitivity, reveal)));
        if (a.key == "flag") {
            static const std::vector<std::pair<std::string, const char*>> kFlags{
                {"hardship", QT_TR_NOOP("Hardship")}, {"minimum_income", QT_TR_NOOP("Minimum income")},
                {"elderly_alone", QT_TR_NOOP("Elderly living alone")}, {"left_behind_children", QT_TR_NOOP("Left-behind children")},
                {"has_disability", QT_TR_NOOP("Disability")}};
            for (const auto& [k, label] : kFlags)
                if (k == a.value) value = tr(label);
        }
        new QTreeWidgetItem(parent, {fieldLabel(a.key), value});
    }
    for (const auto& child : r.children) {
        const std::string title = model::mask(child.title, model::Sensitivity::Name, reveal);
        auto* item = new QTreeWidgetItem(parent, {layerLabel(child.layer), QString::fromStdString(title)});
        addAttributes(item, child, atlas);
    }
}

void IdentifyPanel::rebuild() {
    m_tree->clear();
    for (const auto& r : m_results) {
        auto* top = new QTreeWidgetItem(m_tree, {layerLabel(r.layer), QString::fromStdString(r.title)});
        addAttributes(top, r, r.atlas);
        top->setExpanded(true);
    }
}

} // namespace gridatlas::app
