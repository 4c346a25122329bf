// Optional: record a voice note in the page and put it into the report form's audio field, so the
// ordinary submit carries it. Without this script (or without MediaRecorder) the field still
// takes a recording from the phone's recorder or a file.
(function () {
  "use strict";
  var box = document.getElementById("voice-recorder");
  var input = document.getElementById("id_voice");
  if (!box || !input || !window.MediaRecorder || !window.DataTransfer ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var buttons = {
    record: document.getElementById("voice-record"),
    stop: document.getElementById("voice-stop"),
    play: document.getElementById("voice-play"),
    discard: document.getElementById("voice-discard")
  };
  var status = document.getElementById("voice-status");
  var maxSeconds = parseInt(box.getAttribute("data-max-seconds"), 10) || 180;
  var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
  var recorder = null, stream = null, timer = null, player = null, url = null;

  function show(state) {
    buttons.record.hidden = state !== "idle";
    buttons.stop.hidden = state !== "recording";
    buttons.play.hidden = state !== "recorded";
    buttons.discard.hidden = state !== "recorded";
  }
  function say(name, extra) {
    status.textContent = box.getAttribute("data-" + name) + (extra || "");
  }
  function release() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    clearTimeout(timer);
  }
  function clear() {
    if (player) { player.pause(); }
    if (url) { URL.revokeObjectURL(url); }
    player = null;
    url = null;
    input.value = "";
  }
  function keep(chunks, type) {
    var blob = new Blob(chunks, { type: type });
    var extension = type.indexOf("mp4") >= 0 ? "m4a" : (type.indexOf("ogg") >= 0 ? "ogg" : "webm");
    var transfer = new DataTransfer();
    transfer.items.add(new File([blob], "pesan-suara." + extension, { type: type }));
    input.files = transfer.files;
    url = URL.createObjectURL(blob);
    player = new Audio(url);
    show("recorded");
    say("recorded");
  }

  box.hidden = false;
  show("idle");
  input.addEventListener("change", function () {  // a file chosen by hand replaces the recording
    if (player) { player.pause(); }
    if (url) { URL.revokeObjectURL(url); }
    player = null;
    url = null;
    show("idle");
    status.textContent = "";
  });
  buttons.record.addEventListener("click", function () {
    clear();
    status.textContent = "";
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (media) {
      var type = types.filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0];
      var chunks = [];
      stream = media;
      recorder = type ? new MediaRecorder(media, { mimeType: type }) : new MediaRecorder(media);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) { chunks.push(event.data); }
      });
      recorder.addEventListener("stop", function () {
        release();
        keep(chunks, recorder.mimeType || type || "audio/webm");
      });
      recorder.start();
      timer = setTimeout(function () { recorder.stop(); }, maxSeconds * 1000);
      show("recording");
      say("recording");
    }).catch(function () {
      release();
      show("idle");
      say("failed");
    });
  });
  buttons.stop.addEventListener("click", function () {
    if (recorder && recorder.state !== "inactive") { recorder.stop(); }
  });
  buttons.play.addEventListener("click", function () {
    if (player) { player.currentTime = 0; player.play(); }
  });
  buttons.discard.addEventListener("click", function () {
    clear();
    show("idle");
    say("discarded");
  });
})();
