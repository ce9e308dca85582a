#pragma once
// A grid's properties (网格属性): code, name, target households and its three staff (一格三员:
// manager 网格长/管理员, supervisor 监督员, assistant 协管员) with their phones, masked until
// "show personal data" is ticked. Shows the staff workload (households per staff member).
#include <QDialog>

#include <array>
#include <functional>

#include "storage/grid_edit.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace gridatlas::app {

class GridPropertiesDialog : public QDialog {
    Q_OBJECT
public:
    GridPropertiesDialog(storage::GridProperties current, int households, QWidget* parent = nullptr);
    /// The properties as edited (phones unchanged where they stayed masked).
    [[nodiscard]] storage::GridProperties properties() const;
    void setReveal(bool reveal);
    /// Called before the staff are shown in full (passphrase, reveal log); it may replace sealed
    /// phones by their clear values. Returning false keeps them masked.
    void setRevealGuard(std::function<bool(std::vector<storage::GridRowSnapshot::Staff>&)> guard) { m_revealGuard = std::move(guard); }

    // The fields, for tests.
    [[nodiscard]] QLineEdit* codeEdit() const { return m_code; }
    [[nodiscard]] QLineEdit* nameEdit() const { return m_name; }
    [[nodiscard]] QSpinBox* targetEdit() const { return m_target; }
    [[nodiscard]] QLineEdit* staffName(int role) const { return m_staffName[static_cast<std::size_t>(role)]; }
    [[nodiscard]] QLineEdit* staffPhone(int role) const { return m_staffPhone[static_cast<std::size_t>(role)]; }
    [[nodiscard]] QLabel* workloadLabel() const { return m_workload; }
    static constexpr const char* kRoles[3] = {"manager", "supervisor", "assistant"};

private:
    void updateWorkload();
    storage::GridProperties m_current;
    int m_households;
    bool m_reveal = false;
    QLineEdit* m_code = nullptr;
    QLineEdit* m_name = nullptr;
    QSpinBox* m_target = nullptr;
    std::array<QLineEdit*, 3> m_staffName{};
    std::array<QLineEdit*, 3> m_staffPhone{};
    QCheckBox* m_revealBox = nullptr;
    QLabel* m_workload = nullptr;
    std::function<bool(std::vector<storage::GridRowSnapshot::Staff>&)> m_revealGuard;
};

} // namespace gridatlas::app
