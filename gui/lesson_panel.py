"""The Lessons dock: pick a lesson, read its step, do what it asks, predict, check, move on.

A trainer step installs the lesson's trainer in the app model, so what the learner clicks in the
window is what the lesson sees (``sig_snapshot`` → ``LessonRun.notice``). A lab step drives the
run's own Walk and draws it in the dock's graph; the Lab workspace, when present, calls
``lab_walk_changed(walk)`` after it builds or steps, and listens to ``sig_lab_setup`` to load a
step's formula. Progress per lesson is kept in QSettings; bad lesson files go to ``sig_error``.
The built-in course is read when first needed (``lessons``): the dock shown, a lesson started,
or the window's after-paint work (``list_lessons``), not before the window's first paint.
"""
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.lessons import LessonError, builtin_lessons, load_lesson

from .file_actions import settings
from .graph_legend import lab_legend
from .graph_view import GraphView
from .lab.snapshot import SYMBOLS, lab_snapshot

PROGRESS_KEY = "lessons/progress/{key}"
LESSON_FILTER = "Lesson (*.toml)"
REVEAL_AFTER = 2   # wrong tries before the answer is shown


class LessonPanel(QWidget):
    """The dock's widget; ``run`` is the current LessonRun (None before a lesson starts)."""

    sig_panel = Signal(str)            # a panel the step names ("inspector", "loss", …): raise it
    sig_started = Signal()             # a lesson started: the window brings the dock to the front
    sig_lab_setup = Signal(object)     # a lab step's LabSetup, for the Lab workspace to load

    def __init__(self, app_model, parent=None, lessons=None):
        super().__init__(parent)
        self.app_model = app_model
        self._lessons = None
        self.run = None
        self.complete = False      # the run has passed its last step
        self._world = None
        self.chooser = QComboBox(objectName="lesson_list")
        # long titles are elided: the dock shares the plots' row and must not widen the window
        self.chooser.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(16)
        self.start_button = QPushButton("Start", objectName="lesson_start")
        self.text = QTextBrowser(objectName="lesson_text")
        self.graph = GraphView()
        self.graph.setObjectName("lesson_graph")
        self.graph.set_legend(lab_legend)   # it draws a lesson's lab walks
        self.graph.setMinimumHeight(200)
        self.graph.hide()   # until a lab step: shown, it would keep the plots' row 200 px taller
        self.question = QLabel(objectName="lesson_question")
        self.question.setWordWrap(True)
        self.answer_field = QLineEdit(objectName="lesson_answer")
        self.answer_field.setPlaceholderText("a number, or a list such as [1, -2.5]")
        self.check_button = QPushButton("Check", objectName="lesson_check")
        self.verdict = QLabel(objectName="lesson_verdict")
        self.verdict.setWordWrap(True)
        self.do_button = QPushButton("Do it", objectName="lesson_do")
        self.do_button.setToolTip("Carry out the next thing the step asks for.")
        self.next_button = QPushButton("Next step", objectName="lesson_next")
        self.progress = QLabel(objectName="lesson_progress")
        self.open_action = QAction("Open &lesson…", self)
        self.open_action.setObjectName("action_open_lesson")
        self.open_action.setToolTip("Load a lesson file (TOML) written by an instructor.")
        self._layout()
        self._connect()
        if lessons is not None:
            self.list_lessons(lessons)

    @property
    def lessons(self):
        """The lessons in the chooser's order (the built-in course, read now if it was not yet)."""
        if self._lessons is None:
            self.list_lessons()
        return self._lessons

    def list_lessons(self, lessons=None):
        """Show ``lessons`` (default: the built-in course) in the chooser, unless some already are."""
        if self._lessons is None:
            self._lessons = list(lessons if lessons is not None else builtin_lessons())
            self._fill_chooser()
            self._show_intro()

    # ----- what the app calls ------------------------------------------------------------------
    def start(self, index=None):
        """Start (or continue at the remembered step) the lesson at ``index`` of the list."""
        lessons = self.lessons   # listed first: ``index`` points into the chooser
        if index is not None:
            self.chooser.setCurrentIndex(index)
        lesson = lessons[self.chooser.currentIndex()]
        try:
            self.run = lesson.start()
            remembered = self._remembered(lesson)
            for _ in range(remembered if remembered < len(lesson.steps) else 0):
                self.run.advance()
        except LessonError as error:
            self.app_model.error("Cannot run the lesson", str(error))
            self.run = None
            return
        self._world, self.complete = None, False
        self.sig_started.emit()
        self._enter_step()

    def open_lesson(self, path=None):
        """Load an instructor's lesson file (asks for it when ``path`` is None) and start it;
        a bad file is reported through the app model and changes nothing."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Open lesson", "", LESSON_FILTER)
            if not path:
                return
        try:
            lesson = load_lesson(path)
        except LessonError as error:
            self.app_model.error("Cannot open the lesson", str(error))
            return
        self.lessons.append(lesson)
        self._fill_chooser()
        self.start(len(self.lessons) - 1)

    def lab_walk_changed(self, walk):
        """The Lab workspace built or stepped ``walk``: follow it and notice what the learner did."""
        if self.run is None or self.run.world.kind != "lab":
            return
        noticed = self.run.attach(walk) if walk is not self.run.walk else self.run.notice()
        self._after_notice(noticed)

    def answer(self, text=None):
        """Check ``text`` (default: the answer field) against the engine's answer."""
        if self.run is None or self.run.step.question is None or self.run.answered:
            return None
        text = self.answer_field.text() if text is None else text
        try:
            verdict = self.run.answer(text)
        except LessonError as error:
            self.verdict.setText(str(error))
            return None
        message = verdict.message
        if not verdict.correct and verdict.attempts >= REVEAL_AFTER:
            message += " " + self.run.reveal()
        self.verdict.setText(("✔ " if verdict.correct else "✘ ") + message)
        self.verdict.setStyleSheet(f"color: {'#1b7f3b' if verdict.correct else '#b3261e'};")
        self._refresh_controls()
        if verdict.correct:
            self._move_on_if_ready()
        return verdict

    def next_step(self, keep_verdict=False):
        """Carry out what the step still asks for and go to the next step (the last verdict stays
        on show with ``keep_verdict``, when the lesson moves on by itself)."""
        if self.run is None:
            return
        self._reclaim_trainer()
        try:
            more = self.run.advance()
        except LessonError as error:
            self.app_model.error("The lesson cannot go on", str(error))
            return
        if not keep_verdict:
            self.verdict.clear()
        if not more:
            self.complete = True
            self._remember(len(self.run.lesson.steps))
            self._fill_chooser()
            self._world_changed()
            self.progress.setText("Lesson complete ✔")
            self._refresh_controls()
            return
        self._enter_step()

    def do_next(self):
        """Carry out the step's next action for the learner."""
        if self.run is None:
            return
        self._reclaim_trainer()
        try:
            self.run.do_next()
        except LessonError as error:
            self.app_model.error("The lesson cannot go on", str(error))
            return
        self._world_changed()
        self._show_step()
        self._move_on_if_ready()

    # ----- inside ------------------------------------------------------------------------------
    def _layout(self):
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.start_button)
        answer = QHBoxLayout()
        answer.addWidget(self.answer_field, 1)
        answer.addWidget(self.check_button)
        moves = QHBoxLayout()
        moves.addWidget(self.progress, 1)
        moves.addWidget(self.do_button)
        moves.addWidget(self.next_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.text, 3)
        column.addWidget(self.graph, 2)
        column.addWidget(self.question)
        column.addLayout(answer)
        column.addWidget(self.verdict)
        column.addLayout(moves)

    def _connect(self):
        self.start_button.clicked.connect(lambda: self.start())
        self.chooser.currentIndexChanged.connect(lambda _: self._show_intro())
        self.check_button.clicked.connect(lambda: self.answer())
        self.answer_field.returnPressed.connect(lambda: self.answer())
        self.next_button.clicked.connect(self.next_step)
        self.do_button.clicked.connect(self.do_next)
        self.open_action.triggered.connect(lambda: self.open_lesson())
        self.app_model.sig_snapshot.connect(lambda _: self._trainer_changed())

    def _fill_chooser(self):
        current = max(self.chooser.currentIndex(), 0)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for lesson in self.lessons:
            finished = self._remembered(lesson) >= len(lesson.steps)
            self.chooser.addItem(("✔ " if finished else "") + lesson.title)
        self.chooser.setCurrentIndex(min(current, len(self.lessons) - 1))
        self.chooser.blockSignals(False)

    def _show_intro(self):
        self.run, self.complete = None, False
        lesson = self.lessons[self.chooser.currentIndex()]
        step = self._remembered(lesson)
        self.start_button.setText(f"Continue at step {step + 1}" if 0 < step < len(lesson.steps) else "Start")
        self.text.setMarkdown(f"# {lesson.title}\n\n{lesson.introduction}\n\n*{len(lesson.steps)} steps.*")
        self.graph.hide()
        self.question.clear()
        self.verdict.clear()
        self.progress.clear()
        self._refresh_controls()

    def _enter_step(self):
        self._remember(self.run.index)
        self.answer_field.clear()
        self._world_changed()
        if self.run.step.kind == "lab" and self.run.step.setup is not None:
            self.sig_lab_setup.emit(self.run.step.setup)
        self._show_step()
        self._highlight()

    def _show_step(self):
        run, step = self.run, self.run.step
        todo = ", ".join(("✔ " if a not in run.pending else "") + a.describe(step.kind)
                         for a in step.actions)
        self.text.setMarkdown(step.text + (f"\n\n**Do:** {todo}." if todo else ""))
        self.question.setText(f"<b>Predict:</b> {step.question}" if step.question else "")
        self.progress.setText(f"{run.lesson.title} — step {step.number} of {len(run.lesson.steps)}")
        if run.world.kind == "lab":
            self.graph.show()
            self.graph.gradient_symbol = SYMBOLS[getattr(run.walk, "mode", "reverse")]
            self.graph.show_snapshot(lab_snapshot(run.walk), highlight_next=False, active=run.walk.active)
        else:
            self.graph.hide()
        self._refresh_controls()

    def _refresh_controls(self):
        running = self.run is not None
        asking = running and self.run.step.question is not None and not self.run.answered
        self.question.setVisible(running and self.run.step.question is not None)
        self.answer_field.setEnabled(asking)
        self.check_button.setEnabled(asking)
        self.do_button.setEnabled(running and bool(self.run.pending))
        self.next_button.setEnabled(running and not self.complete)
        self.next_button.setText("Finish" if running and self.run.at_end else "Next step")

    def _highlight(self):
        step, run = self.run.step, self.run
        node = run.highlighted_node()
        if run.world.kind == "lab":
            self.graph.select_node(node, notify=False)
        elif node is not None:
            self.app_model.select_node(node)
        if "panel" in step.highlight:
            self.sig_panel.emit(step.highlight["panel"])

    def _world_changed(self):
        """Install the run's trainer in the app when the step brought a new one; redraw."""
        world = self.run.world
        if world.kind == "trainer":
            if world is not self._world:
                self.app_model.replace_trainer(world.trainer)
            else:
                self.app_model.changed(now=True)
        self._world = world

    def _reclaim_trainer(self):
        """Put the lesson's trainer back in the window if the learner built another one meanwhile."""
        world = self.run.world
        if world.kind == "trainer" and self.app_model.trainer is not world.trainer:
            self.app_model.replace_trainer(world.trainer)

    def _trainer_changed(self):
        if self.run is None or self.run.world.kind != "trainer":
            return
        if self.app_model.trainer is self.run.trainer:
            self._after_notice(self.run.notice())

    def _after_notice(self, noticed):
        if noticed:
            self._show_step()
            self._move_on_if_ready()

    def _move_on_if_ready(self):
        """The step is done (actions and question): the lesson moves on by itself."""
        if self.run.ready and not self.run.at_end:
            self.next_step(keep_verdict=True)

    def _remembered(self, lesson):
        value = settings().value(PROGRESS_KEY.format(key=lesson.key), 0)
        return int(value) if str(value).isdigit() else 0

    def _remember(self, index):
        """The step the learner is at (the step count once finished), under the lesson's key."""
        settings().setValue(PROGRESS_KEY.format(key=self.run.lesson.key), index)


def raise_panel(window, name):
    """Bring the dock a lesson names to the front (``{name}_dock``: "inspector", "loss", …); the
    graph, and a panel the window does not have, get the focus of the central graph instead."""
    dock = window.findChild(QDockWidget, f"{name}_dock")
    if dock is None:
        window.graph_view.setFocus()
        return
    dock.show()
    dock.raise_()
