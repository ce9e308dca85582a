#pragma once
// The identify panel: what was clicked, as a tree (a building, its members; a household, its
// residents), with personal fields masked unless revealed.
#include <QWidget>

#include <vector>

#include "storage/identify.h"

class QCheckBox;
class QTreeWidget;
class QTreeWidgetItem;

namespace gridatlas::app {

class IdentifyPanel : public QWidget {
    Q_OBJECT
public:
    explicit IdentifyPanel(QWidget* parent = nullptr);
    void setResults(std::vector<storage::IdentifyResult> results);
    [[nodiscard]] const std::vector<storage::IdentifyResult>& results() const { return m_results; }
    /// The text shown for (row, column) of the top-level item `top` (tests read the masking).
    [[nodiscard]] QTreeWidget* tree() const { return m_tree; }
    /// Translated label of a field key.
    static QString fieldLabel(const std::string& key);
    /// A stored code shown by its name (use, member type, gender, yes/no).
    static QString displayValue(const std::string& key, const QString& raw);

signals:
    void featureSelected(QString layer, qint64 id, double xmin, double ymin, double xmax, double ymax);

private:
    void rebuild();
    void addAttributes(QTreeWidgetItem* parent, const storage::IdentifyResult& r, const std::string& atlas);
    /// Before showing the current results in full: passphrase (encrypted atlas) and reveal log.
    bool authorizeShown();
    std::vector<storage::IdentifyResult> m_results;
    QTreeWidget* m_tree = nullptr;
    QCheckBox* m_reveal = nullptr;
};

} // namespace gridatlas::app
