# Quiet output in the manner of Kbuild: one line per step ("  CC      lib/base/util.c"),
# the full commands with V=1.
# (note is the line alone, for a recipe line that prints it only sometimes)
ifeq ($(V),1)
Q :=
msg =
note =
else
Q := @
note = printf '  %-7s %s\n' '$(1)' '$(2)';
msg = @$(note)
endif
