#include "app/grid_properties_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include "model/grid_code.h"
#include "model/masking.h"

namespace gridatlas::app {

namespace {
const storage::GridRowSnapshot::Staff* staffOf(const storage::GridProperties& p, const char* role) {
    for (const auto& s : p.staff)
        if (s.role == role) return &s;
    return nullptr;
}
} // namespace

GridPropertiesDialog::GridPropertiesDialog(storage::GridProperties current, int households, QWidget* parent)
    : QDialog(parent), m_current(std::move(current)), m_households(households) {
    setWindowTitle(tr("Grid Properties"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_code = new QLineEdit(QString::fromStdString(m_current.code), this);
    m_code->setToolTip(tr("Unique; e.g. an urban grid code after CJ/T 349-2010"));
    m_name = new QLineEdit(QString::fromStdString(m_current.name), this);
    m_target = new QSpinBox(this);
    m_target->setRange(0, 100000);
    m_target->setSpecialValueText(tr("none"));
    m_target->setValue(m_current.targetHouseholds.value_or(0));
    form->addRow(tr("Code"), m_code);
    // What a CJ/T 349-2010 code says, part by part; other unique codes are fine too.
    auto* codeHint = new QLabel(this);
    codeHint->setObjectName(QStringLiteral("codeHint"));
    codeHint->setWordWrap(true);
    codeHint->setStyleSheet(QStringLiteral("color: #666"));
    auto updateHint = [this, codeHint] {
        const std::string text = m_code->text().trimmed().toStdString();
        std::string why;
        if (const auto c = model::parseCjt349(text, &why))
            codeHint->setText(tr("CJ/T 349-2010: object %1 · division %2 · street %3 · community %4 · grid %5")
                                  .arg(QString::fromStdString(c->object), QString::fromStdString(c->county),
                                       QString::fromStdString(c->street), QString::fromStdString(c->community))
                                  .arg(c->sequence, 2, 10, QLatin1Char('0')));
        else
            codeHint->setText(tr("Not a 20-digit CJ/T 349-2010 code (网格 > Recode Grids makes them); any unique code is accepted."));
    };
    updateHint();
    connect(m_code, &QLineEdit::textChanged, this, updateHint);
    form->addRow(QString(), codeHint);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Target households"), m_target);
    const QString roleTitles[3] = {tr("Manager"), tr("Supervisor"), tr("Assistant")};
    for (int r = 0; r < 3; ++r) {
        const auto* s = staffOf(m_current, kRoles[r]);
        m_staffName[static_cast<std::size_t>(r)] = new QLineEdit(this);
        m_staffPhone[static_cast<std::size_t>(r)] = new QLineEdit(this);
        m_staffName[static_cast<std::size_t>(r)]->setPlaceholderText(tr("name"));
        m_staffPhone[static_cast<std::size_t>(r)]->setPlaceholderText(tr("phone"));
        auto* row = new QHBoxLayout;
        row->addWidget(m_staffName[static_cast<std::size_t>(r)], 1);
        row->addWidget(m_staffPhone[static_cast<std::size_t>(r)], 1);
        form->addRow(roleTitles[r], row);
        connect(m_staffName[static_cast<std::size_t>(r)], &QLineEdit::textChanged, this, [this] { updateWorkload(); });
        (void)s;
    }
    layout->addLayout(form);
    m_revealBox = new QCheckBox(tr("Show personal data"), this);
    layout->addWidget(m_revealBox);
    connect(m_revealBox, &QCheckBox::toggled, this, &GridPropertiesDialog::setReveal);
    m_workload = new QLabel(this);
    layout->addWidget(m_workload);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setReveal(false);
}

void GridPropertiesDialog::setReveal(bool reveal) {
    // Masked, the staff fields show 张* and 138****5678 and cannot be edited: editing starts from
    // the real values only when they are shown.
    if (!reveal && m_reveal) m_current = properties(); // keep what was typed while shown
    if (reveal && !m_reveal && m_revealGuard && !m_revealGuard(m_current.staff)) reveal = false;
    m_reveal = reveal;
    {
        const QSignalBlocker block(m_revealBox);
        m_revealBox->setChecked(reveal);
    }
    for (int r = 0; r < 3; ++r) {
        const auto* s = staffOf(m_current, kRoles[r]);
        const std::string name = s ? s->name : std::string();
        const std::string phone = s && s->phone ? *s->phone : std::string();
        auto* n = m_staffName[static_cast<std::size_t>(r)];
        auto* p = m_staffPhone[static_cast<std::size_t>(r)];
        const QSignalBlocker b1(n), b2(p);
        n->setText(QString::fromStdString(reveal ? name : model::maskName(name)));
        p->setText(QString::fromStdString(reveal ? phone : (phone.empty() ? phone : model::maskPhone(phone))));
        n->setReadOnly(!reveal);
        p->setReadOnly(!reveal);
    }
    updateWorkload();
}

storage::GridProperties GridPropertiesDialog::properties() const {
    storage::GridProperties out;
    out.code = m_code->text().trimmed().toStdString();
    out.name = m_name->text().trimmed().toStdString();
    if (m_target->value() > 0) out.targetHouseholds = m_target->value();
    if (!m_reveal) {
        out.staff = m_current.staff; // masked fields were not editable
        return out;
    }
    for (int r = 0; r < 3; ++r) {
        const std::string name = m_staffName[static_cast<std::size_t>(r)]->text().trimmed().toStdString();
        if (name.empty()) continue; // a role left empty is vacant
        storage::GridRowSnapshot::Staff s;
        s.role = kRoles[r];
        s.name = name;
        const std::string phone = m_staffPhone[static_cast<std::size_t>(r)]->text().trimmed().toStdString();
        if (!phone.empty()) s.phone = phone;
        out.staff.push_back(std::move(s));
    }
    return out;
}

void GridPropertiesDialog::updateWorkload() {
    int filled = 0;
    for (int r = 0; r < 3; ++r) filled += m_staffName[static_cast<std::size_t>(r)]->text().trimmed().isEmpty() ? 0 : 1;
    m_workload->setText(filled == 0 ? tr("%1 households, no staff").arg(m_households)
                                    : tr("%1 households, %2 staff: %3 households per staff member")
                                          .arg(m_households)
                                          .arg(filled)
                                          .arg(static_cast<double>(m_households) / filled, 0, 'f', 0));
}

} // namespace gridatlas::app
